using EdgeHa.Demo.Scenario;

namespace EdgeHa.Demo.Tests;

public class ConsoleUiTests
{
    [Fact]
    public void Status_Redirected_PrintsPlainLinesAtMostEveryThreeSeconds()
    {
        var output = new StringWriter();
        var ui = new ConsoleUi(output, interactive: false);

        ui.Status("one", 0);
        ui.Status("two", 1000);
        ui.Status("three", 3000);
        ui.WriteLine("a log line");

        Assert.Equal($"   one{Environment.NewLine}   three{Environment.NewLine}a log line{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void WriteLine_Interactive_RedrawsTheStatusBelow()
    {
        var output = new StringWriter();
        var ui = new ConsoleUi(output, interactive: true);

        ui.Status("status", 0);
        ui.WriteLine("log");

        Assert.EndsWith($"log{Environment.NewLine}status", output.ToString(), StringComparison.Ordinal);
    }
}
