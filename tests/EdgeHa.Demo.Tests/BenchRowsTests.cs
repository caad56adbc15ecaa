using EdgeHa.Demo.Measurement;

namespace EdgeHa.Demo.Tests;

public class BenchRowsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TransitionMeasurement Upgrade(long lost, long duplicates, bool data = true) => new()
    {
        Kind = TransitionKind.Upgrade, TriggerAt = T0, From = "edge-a", To = "edge-b", FirstNewSampleAt = data ? T0.AddSeconds(1) : null,
        LostAtHandover = lost, Duplicates = duplicates, VipOutage = TimeSpan.FromMilliseconds(98.4),
    };

    [Fact]
    public void Upgrade_HotWithoutLoss_IsARowThatMeetsItsGoal()
    {
        Assert.Equal(["ROW\tUpgrade data gap, hot standby (demo, planned switchover)\t0 lost, 0 duplicates, VIP silent 98 ms\t0 lost, <= 1 duplicate\tyes"],
            BenchRows.Upgrade("hot", true, [Upgrade(0, 0)]));
    }

    [Fact]
    public void Upgrade_HotWithALoss_DoesNotMeetIt_ColdIsMeasuredOnly()
    {
        Assert.EndsWith("\tNO", Assert.Single(BenchRows.Upgrade("hot", true, [Upgrade(1, 0)])), StringComparison.Ordinal);
        Assert.EndsWith("\tNO", Assert.Single(BenchRows.Upgrade("hot", true, [Upgrade(0, 2)])), StringComparison.Ordinal);
        Assert.Equal(["ROW\tUpgrade data gap, cold standby (demo, planned switchover)\t5 lost, 0 duplicates, VIP silent 98 ms\tmeasured\t-"],
            BenchRows.Upgrade("cold", false, [Upgrade(5, 0)]));
    }

    [Fact]
    public void Upgrade_NotCompleted_SaysNotMeasured()
    {
        Assert.Contains("not measured", Assert.Single(BenchRows.Upgrade("hot", true, [Upgrade(0, 0, data: false)])), StringComparison.Ordinal);
        Assert.Contains("not measured", Assert.Single(BenchRows.Upgrade("cold", false, [])), StringComparison.Ordinal);
    }
}
