namespace EdgeHa.ModbusSimulator;

/// <summary>
/// The runtime form of a <see cref="GeneratorDefinition"/>: a value as a function of the time since the simulator
/// started. Deterministic ones are pure functions of time; the random walk keeps its position and catches up step by
/// step, so the same seed and the same clock give the same values. Not thread-safe: the owner serializes calls.
/// </summary>
public abstract class ValueGenerator
{
    public abstract double Evaluate(TimeSpan elapsed, DateTimeOffset now);

    public static ValueGenerator Create(GeneratorDefinition definition) => definition switch
    {
        CounterGenerator c => new Counter(c),
        SineGenerator s => new Sine(s),
        SawtoothGenerator s => new Sawtooth(s),
        RandomWalkGenerator r => new RandomWalk(r),
        TimestampGenerator => new Timestamp(),
        ConstantGenerator c => new Constant(c.Value),
        _ => throw new ArgumentException($"unknown generator {definition.GetType().Name}", nameof(definition)),
    };

    private static long Steps(TimeSpan elapsed, TimeSpan period) => elapsed <= TimeSpan.Zero ? 0 : elapsed.Ticks / period.Ticks;

    private sealed class Counter(CounterGenerator d) : ValueGenerator
    {
        public override double Evaluate(TimeSpan elapsed, DateTimeOffset now) => d.Start + (d.Step * Steps(elapsed, d.Period));
    }

    private sealed class Sine(SineGenerator d) : ValueGenerator
    {
        public override double Evaluate(TimeSpan elapsed, DateTimeOffset now)
        {
            var cycles = (double)(elapsed.Ticks % d.Period.Ticks) / d.Period.Ticks;
            return d.Offset + (d.Amplitude * Math.Sin((2 * Math.PI * cycles) + (d.PhaseDegrees * Math.PI / 180)));
        }
    }

    private sealed class Sawtooth(SawtoothGenerator d) : ValueGenerator
    {
        public override double Evaluate(TimeSpan elapsed, DateTimeOffset now)
        {
            var fraction = (double)(Math.Max(0, elapsed.Ticks) % d.Period.Ticks) / d.Period.Ticks;
            return d.Min + ((d.Max - d.Min) * fraction);
        }
    }

    private sealed class RandomWalk(RandomWalkGenerator d) : ValueGenerator
    {
        // Beyond this many pending steps (e.g. a clock jump) the walk restarts from its start value instead of
        // replaying millions of steps under the caller's lock.
        private const long MaxCatchUp = 100_000;
        private Random _random = new(d.Seed);
        private long _steps;
        private double _value = d.Start;

        public override double Evaluate(TimeSpan elapsed, DateTimeOffset now)
        {
            var target = Steps(elapsed, d.Period);
            if (target < _steps || target - _steps > MaxCatchUp)
            {
                _random = new Random(d.Seed);
                _value = d.Start;
                _steps = Math.Max(0, target - MaxCatchUp);
            }

            for (; _steps < target; _steps++)
            {
                _value = Math.Clamp(_value + (((_random.NextDouble() * 2) - 1) * d.Step), d.Min, d.Max);
            }

            return _value;
        }
    }

    private sealed class Timestamp : ValueGenerator
    {
        public override double Evaluate(TimeSpan elapsed, DateTimeOffset now) => now.ToUnixTimeSeconds();
    }

    private sealed class Constant(double value) : ValueGenerator
    {
        public override double Evaluate(TimeSpan elapsed, DateTimeOffset now) => value;
    }
}
