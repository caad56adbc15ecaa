namespace EdgeHa.Fencing.Tests;

public class PromotionGapTests
{
    [Theory]
    [InlineData(5L, 103L, 103L, false, "epoch=5 sequences=103-103 not-read")]
    [InlineData(2L, 6L, 65545L, true, "epoch=2 sequences=6-65545 older-than-buffer")]
    public void FormatThenParse_GivesTheSameGap(long epoch, long first, long last, bool older, string text)
    {
        var gap = new PromotionGap(epoch, first, last, older);

        Assert.Equal(text, gap.Format());
        Assert.Equal(gap, PromotionGap.Parse(text));
        Assert.Equal(last - first + 1, gap.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("epoch=5 sequences=103-103")]
    [InlineData("epoch=5 sequences=104-103 not-read")]
    [InlineData("epoch=-1 sequences=1-2 not-read")]
    [InlineData("epoch=5 sequences=1-2 lost")]
    [InlineData("epoch=5 sequences=1 not-read")]
    [InlineData("epoch=x sequences=1-2 not-read")]
    public void Parse_AnythingElse_IsNull(string? text) => Assert.Null(PromotionGap.Parse(text));

    [Theory]
    [InlineData(102L, 100L, 104L, 103L, 103L, false)] // the buffer covers 102 but jumps to 104
    [InlineData(105L, 110L, 110L, 106L, 109L, true)] // the buffer starts after 105
    [InlineData(105L, null, 110L, 106L, 109L, true)] // no sequence buffered before
    public void Find_AHoleAfterTheRecordedSequence_IsTheGap(long after, long? oldest, long firstAfter, long first, long last, bool older) =>
        Assert.Equal(new PromotionGap(3, first, last, older), PromotionGap.Find(3, after, oldest, firstAfter));

    [Theory]
    [InlineData(102L, 100L, 103L)]
    [InlineData(102L, 100L, null)]
    public void Find_NoHole_IsNull(long after, long? oldest, long? firstAfter) => Assert.Null(PromotionGap.Find(3, after, oldest, firstAfter));
}
