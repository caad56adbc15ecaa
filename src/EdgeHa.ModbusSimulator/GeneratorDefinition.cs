namespace EdgeHa.ModbusSimulator;

/// <summary>How a generated value changes with time. The runtime form is <see cref="ValueGenerator"/>.</summary>
public abstract record GeneratorDefinition
{
    /// <summary>True when the value wraps around the width of its type instead of saturating (counters, timestamps).</summary>
    public virtual bool Wraps => false;
}

/// <summary>Counts <paramref name="Start"/>, Start + Step, ... advancing once per <paramref name="Period"/>; wraps at the type's width.</summary>
public sealed record CounterGenerator(double Start, double Step, TimeSpan Period) : GeneratorDefinition
{
    public override bool Wraps => true;
}

/// <summary>Offset + Amplitude * sin(2π t / Period + phase).</summary>
public sealed record SineGenerator(double Amplitude, double Offset, TimeSpan Period, double PhaseDegrees) : GeneratorDefinition;

/// <summary>Rises linearly from Min to Max over each Period, then starts again at Min.</summary>
public sealed record SawtoothGenerator(double Min, double Max, TimeSpan Period) : GeneratorDefinition;

/// <summary>Moves by a random amount in [-Step, +Step] once per Period, staying within [Min, Max]; seeded, so runs repeat.</summary>
public sealed record RandomWalkGenerator(double Start, double Step, double Min, double Max, TimeSpan Period, int Seed) : GeneratorDefinition;

/// <summary>Seconds since the Unix epoch, from the simulator's clock; wraps at the type's width.</summary>
public sealed record TimestampGenerator : GeneratorDefinition
{
    public override bool Wraps => true;
}

/// <summary>A fixed value (the same as giving <c>value</c>).</summary>
public sealed record ConstantGenerator(double Value) : GeneratorDefinition;
