using System.Text.Json.Nodes;
using EdgeHa.Sandbox.ApiServer;

namespace EdgeHa.Sandbox.Tests;

public sealed class CelEvaluatorTests
{
    private static readonly JsonNode Self = JsonNode.Parse("""
        {"a":"x","b":"y","n":3,"m":4,"d":1.5,"flag":true,
         "ports":[{"port":80,"protocol":"TCP"},{"port":81,"protocol":"TCP"}],"labels":{"k":"v"},"empty":""}
        """)!;

    [Theory]
    [InlineData("self.a != self.b", true)]
    [InlineData("self.a == 'x'", true)]
    [InlineData("self.a == \"y\"", false)]
    [InlineData("self.n < self.m && self.m <= 4", true)]
    [InlineData("self.n * 2 > self.m + 1", true)]
    [InlineData("self.n % 2 == 1 && self.m / 2 == 2", true)]
    [InlineData("-self.n < 0", true)]
    [InlineData("self.d > 1", true)]
    [InlineData("has(self.a) && !has(self.zzz)", true)]
    [InlineData("(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) + (has(self.c) ? 1 : 0) <= 1", false)]
    [InlineData("!has(self.c) || self.c == 'z'", true)]
    [InlineData("self.flag || self.zzz", true)]
    [InlineData("size(self.a) == 1 && self.ports.size() == 2", true)]
    [InlineData("self.ports.all(p, self.ports.filter(q, q.port == p.port && q.protocol == p.protocol).size() == 1)", true)]
    [InlineData("self.ports.exists(p, p.port == 81)", true)]
    [InlineData("self.ports.exists_one(p, p.protocol == 'TCP')", false)]
    [InlineData("self.ports.map(p, p.port).all(x, x >= 80)", true)]
    [InlineData("self.a in ['x', 'z']", true)]
    [InlineData("'k' in self.labels", true)]
    [InlineData("self.labels['k'] == 'v'", true)]
    [InlineData("self.ports[1].port == 81", true)]
    [InlineData("self.a + self.b == 'xy'", true)]
    [InlineData("self.empty == '' || false", true)]
    public void Evaluate_SupportedRules_ReturnsResult(string rule, bool expected)
    {
        Assert.Equal(expected, CelEvaluator.Evaluate(rule, Self));
    }

    [Theory]
    [InlineData("self.missing == 1")]
    [InlineData("self.a.startsWith('x')")]
    [InlineData("isIP(self.a)")]
    [InlineData("self.a == oldSelf.a")]
    [InlineData("self.n + 'x' == 1")]
    [InlineData("self.n ==")]
    [InlineData("self.a == 'unterminated")]
    public void Evaluate_OutsideSubsetOrFailing_ReturnsNull(string rule)
    {
        Assert.Null(CelEvaluator.Evaluate(rule, Self));
    }

    [Fact]
    public void Evaluate_DeeplyNestedRule_ReturnsNullWithoutOverflow()
    {
        var rule = new string('(', 5000) + "true" + new string(')', 5000);

        Assert.Null(CelEvaluator.Evaluate(rule, Self));
    }

    [Fact]
    public void SchemaValidator_FailingRule_ReportsFieldPathAndMessage()
    {
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object",
              "x-kubernetes-validations":[{"rule":"self.a != self.b","message":"a and b must differ","fieldPath":".b"},{"rule":"self.a.matches('x')"}],
              "properties":{"a":{"type":"string"},"b":{"type":"string","default":"same"}}}}}
            """)!.AsObject();
        var obj = JsonNode.Parse("""{"spec":{"a":"same"}}""")!.AsObject();

        var errors = SchemaValidator.Apply(obj, schema);

        Assert.Equal("spec.b: Invalid value: \"string\": a and b must differ", Assert.Single(errors).ToString());
    }

    [Fact]
    public void SchemaValidator_RuleWithoutMessage_UsesFailedRule()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-validations":[{"rule":"self.n > 1"}],"properties":{"n":{"type":"integer"}}}}}""")!.AsObject();

        var errors = SchemaValidator.Apply(JsonNode.Parse("""{"spec":{"n":1}}""")!.AsObject(), schema);

        Assert.Equal("spec: Invalid value: \"object\": failed rule: self.n > 1", Assert.Single(errors).ToString());
    }
}
