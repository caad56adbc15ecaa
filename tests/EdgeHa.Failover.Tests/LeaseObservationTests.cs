namespace EdgeHa.Failover.Tests;

public sealed class LeaseObservationTests
{
    [Fact]
    public void SafeAfter_RenewPlusDurationPlusMargin()
    {
        var lease = new LeaseObservation("a", Pair.Now, TimeSpan.FromSeconds(3));

        Assert.Equal(Pair.Now.AddMilliseconds(3500), lease.SafeAfter(TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("a", true)]
    public void IsHeld_EmptyHolderIsNotHeld(string? holder, bool held) =>
        Assert.Equal(held, new LeaseObservation(holder, null, TimeSpan.Zero).IsHeld);

    [Fact]
    public void SafeAfter_NeverRenewed_Null() => Assert.Null(LeaseObservation.Empty.SafeAfter(TimeSpan.FromSeconds(1)));
}
