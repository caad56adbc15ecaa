using System.Xml.Linq;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api.Tests.Schema;

public sealed class XmlDocumentationTests
{
    [Theory]
    [InlineData("<summary>\n    Plain   text\n    over lines.\n</summary>", "Plain text over lines.")]
    [InlineData("<summary>Uses <c>self.port</c> here.</summary>", "Uses self.port here.")]
    [InlineData("<summary>See <see cref=\"T:EdgeHa.Api.VipSpec\"/>.</summary>", "See VipSpec.")]
    [InlineData("<summary>Is <see langword=\"null\"/> when unset.</summary>", "Is null when unset.")]
    [InlineData("<summary>Named <see cref=\"T:EdgeHa.Api.VipSpec\">the VIP</see>.</summary>", "Named the VIP.")]
    public void Flatten_SummaryXml_BecomesOneLineOfText(string xml, string expected)
    {
        Assert.Equal(expected, XmlDocumentation.Flatten(XElement.Parse(xml)));
    }

    [Fact]
    public void Summary_ApiProperty_ComesFromTheDocumentationFile()
    {
        Assert.Equal(
            "Milliseconds between probe sends (the heartbeat period).",
            XmlDocumentation.Summary(typeof(HealthCheckSpec).GetProperty(nameof(HealthCheckSpec.PeriodMilliseconds))!));
    }

    [Fact]
    public void Summary_UndocumentedMember_IsNull()
    {
        Assert.Null(XmlDocumentation.Summary(typeof(UndocumentedShape)));
    }
}
