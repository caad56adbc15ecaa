namespace EdgeHa.ModbusSimulator.Tests;

public class ValueGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static double At(GeneratorDefinition definition, double ms) =>
        ValueGenerator.Create(definition).Evaluate(TimeSpan.FromMilliseconds(ms), Now);

    [Theory]
    [InlineData(0, 10)]
    [InlineData(99, 10)]
    [InlineData(100, 13)]
    [InlineData(1050, 40)]
    public void Evaluate_Counter_StepsOncePerPeriod(double ms, double expected) =>
        Assert.Equal(expected, At(new CounterGenerator(10, 3, TimeSpan.FromMilliseconds(100)), ms));

    [Theory]
    [InlineData(0, 20)]
    [InlineData(1000, 30)]
    [InlineData(2000, 20)]
    [InlineData(3000, 10)]
    [InlineData(4000, 20)]
    public void Evaluate_Sine_FollowsAmplitudeOffsetAndPeriod(double ms, double expected) =>
        Assert.Equal(expected, At(new SineGenerator(10, 20, TimeSpan.FromSeconds(4), 0), ms), 9);

    [Fact]
    public void Evaluate_SinePhase_ShiftsTheWave() =>
        Assert.Equal(1, At(new SineGenerator(1, 0, TimeSpan.FromSeconds(4), 90), 0), 9);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5000, 50)]
    [InlineData(9999, 99.99)]
    [InlineData(10000, 0)]
    [InlineData(12500, 25)]
    public void Evaluate_Sawtooth_RampsAndRestarts(double ms, double expected) =>
        Assert.Equal(expected, At(new SawtoothGenerator(0, 100, TimeSpan.FromSeconds(10)), ms), 9);

    [Fact]
    public void Evaluate_RandomWalk_IsSeededBoundedAndStepLimited()
    {
        var definition = new RandomWalkGenerator(50, 10, 0, 100, TimeSpan.FromSeconds(1), 7);
        var a = ValueGenerator.Create(definition);
        var b = ValueGenerator.Create(definition);

        var previous = a.Evaluate(TimeSpan.Zero, Now);
        Assert.Equal(50, previous);
        for (var s = 1; s <= 500; s++)
        {
            var value = a.Evaluate(TimeSpan.FromSeconds(s), Now);
            Assert.InRange(value, 0, 100);
            Assert.True(Math.Abs(value - previous) <= 10, $"step {s} moved {value - previous}");
            previous = value;
        }

        // Another instance evaluated only at the end reaches the same value: the walk depends on the clock, not on call count.
        Assert.Equal(previous, b.Evaluate(TimeSpan.FromSeconds(500), Now));
    }

    [Fact]
    public void Evaluate_RandomWalkWithinOnePeriod_DoesNotMove()
    {
        var g = ValueGenerator.Create(new RandomWalkGenerator(50, 10, 0, 100, TimeSpan.FromSeconds(1), 7));

        var first = g.Evaluate(TimeSpan.FromMilliseconds(1000), Now);

        Assert.Equal(first, g.Evaluate(TimeSpan.FromMilliseconds(1999), Now));
        Assert.NotEqual(50, first);
    }

    [Fact]
    public void Evaluate_Timestamp_IsUnixSecondsOfTheClock() =>
        Assert.Equal(Now.ToUnixTimeSeconds(), At(new TimestampGenerator(), 12345));

    [Fact]
    public void Evaluate_Constant_NeverChanges() =>
        Assert.Equal(42.5, At(new ConstantGenerator(42.5), 1e9));
}
