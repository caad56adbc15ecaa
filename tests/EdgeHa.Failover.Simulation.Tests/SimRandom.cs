namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>SplitMix64: a tiny generator whose sequence is fixed by the seed on every runtime, so seeds replay anywhere.</summary>
internal sealed class SimRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextU64()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A uniform integer in [min, max].</summary>
    public long Range(long min, long max) => min + (long)(NextU64() % (ulong)(max - min + 1));

    public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[(int)Range(0, items.Count - 1)];
}
