namespace EdgeHa.Failover.Tests;

public sealed class LeaseActionTests
{
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    public void IsDue_GrantBeforeAndAfterNotBefore(int offsetMs, bool due) =>
        Assert.Equal(due, LeaseAction.Grant("b", Pair.Now).IsDue(Pair.Now.AddMilliseconds(offsetMs)));

    [Fact]
    public void IsDue_RevokeAndKeep_AlwaysDue()
    {
        Assert.True(LeaseAction.Revoke("a").IsDue(Pair.T0));
        Assert.True(LeaseAction.Keep.IsDue(Pair.T0));
    }
}
