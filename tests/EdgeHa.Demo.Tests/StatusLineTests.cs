using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class StatusLineTests
{
    [Fact]
    public void Format_FullStatus_ShowsEverything()
    {
        var pair = new PairSnapshot
        {
            Phase = "Active",
            ActiveNode = "edge-b",
            Epoch = 2,
            Nodes = [new NodeHealth("edge-a", "Stopped", false, false), new NodeHealth("edge-b", "Active", true, true)],
        };

        var line = StatusLine.Format("hot", pair, "edge-b 127.77.2.2:8080", true, 1234, TimeSpan.FromSeconds(12.34));

        Assert.Equal("[hot  12.3s] phase=Active active=edge-b epoch=2 edge-a:down edge-b:ok vip->edge-b 127.77.2.2:8080 samples=1234", line);
    }

    [Fact]
    public void Format_NoStatusNoAnswer_SaysSo() =>
        Assert.Equal("[cold   0.5s] pair: no status yet vip->none (no answer) samples=0", StatusLine.Format("cold", null, null, false, 0, TimeSpan.FromSeconds(0.5)));
}
