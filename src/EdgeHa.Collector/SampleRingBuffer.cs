namespace EdgeHa.Collector;

/// <summary>
/// The last samples (bounded by count and by age), each marked published or not. Active collectors mark samples
/// published as they take them; a hot standby keeps them unpublished so that, once promoted, it can publish the
/// ones after the previous active's last published sequence. Thread-safe.
/// </summary>
public sealed class SampleRingBuffer
{
    private readonly object _gate = new();
    private readonly Entry[] _entries;
    private readonly TimeSpan _maxAge;
    private int _head; // index of the oldest entry
    private int _count;

    public SampleRingBuffer(int capacity, TimeSpan maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _entries = new Entry[capacity];
        _maxAge = maxAge;
    }

    public int Capacity => _entries.Length;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Adds a sample, evicting the oldest when full and any older than the maximum age.</summary>
    public void Add(Sample sample, bool published)
    {
        lock (_gate)
        {
            if (_count == _entries.Length)
            {
                _head = (_head + 1) % _entries.Length;
                _count--;
            }

            _entries[(_head + _count) % _entries.Length] = new Entry(sample, published);
            _count++;
            TrimLocked(sample.Timestamp - _maxAge);
        }
    }

    /// <summary>Drops samples older than <paramref name="cutoff"/>.</summary>
    public void TrimOlderThan(DateTimeOffset cutoff)
    {
        lock (_gate)
        {
            TrimLocked(cutoff);
        }
    }

    /// <summary>Every buffered sample, oldest first, with its published mark.</summary>
    public IReadOnlyList<(Sample Sample, bool Published)> Snapshot()
    {
        lock (_gate)
        {
            var list = new List<(Sample, bool)>(_count);
            for (var i = 0; i < _count; i++)
            {
                var e = _entries[(_head + i) % _entries.Length];
                list.Add((e.Sample, e.Published));
            }

            return list;
        }
    }

    /// <summary>Published samples after local sample number <paramref name="afterNumber"/> (all when null), oldest first.</summary>
    public IReadOnlyList<Sample> PublishedAfterNumber(long? afterNumber, int limit)
    {
        lock (_gate)
        {
            return SelectLocked(limit, (e, _) => e.Published && (afterNumber is not { } n || e.Sample.Number > n));
        }
    }

    /// <summary>
    /// Published samples that follow device sequence <paramref name="sequence"/>: when a sample with that sequence is
    /// buffered, everything published after its last occurrence; otherwise those whose sequence is after it on the
    /// 16-bit ring (so after=65534 returns 65535, 0, 1, ...).
    /// </summary>
    public IReadOnlyList<Sample> PublishedAfterSequence(int sequence, int limit)
    {
        lock (_gate)
        {
            var lastIndex = LastIndexOfSequenceLocked(sequence);
            return SelectLocked(limit, (e, i) => e.Published && Follows(e.Sample, i, sequence, lastIndex));
        }
    }

    /// <summary>
    /// Marks as published the unpublished samples whose unwrapped sequence is after <paramref name="unwrappedSequence"/>
    /// (all unpublished ones when null) and returns them oldest first. Used when a hot standby is promoted; the
    /// caller expresses the previous holder's sequence in this collector's numbering first.
    /// </summary>
    public IReadOnlyList<Sample> PublishUnpublishedAfter(long? unwrappedSequence)
    {
        lock (_gate)
        {
            var list = new List<Sample>();
            for (var i = 0; i < _count; i++)
            {
                ref var e = ref _entries[(_head + i) % _entries.Length];
                if (!e.Published && (unwrappedSequence is not { } after || e.Sample.UnwrappedSequence > after))
                {
                    e = e with { Published = true };
                    list.Add(e.Sample);
                }
            }

            return list;
        }
    }

    /// <summary>
    /// The oldest buffered unwrapped sequence and the first one after <paramref name="unwrappedSequence"/> (nulls
    /// when there is none): whether the buffer covers what follows a recorded sequence without a hole.
    /// </summary>
    public (long? Oldest, long? FirstAfter) SequencesAround(long unwrappedSequence)
    {
        lock (_gate)
        {
            long? oldest = null, firstAfter = null;
            for (var i = 0; i < _count && firstAfter is null; i++)
            {
                if (_entries[(_head + i) % _entries.Length].Sample.UnwrappedSequence is not { } u)
                {
                    continue;
                }

                oldest ??= u;
                if (u > unwrappedSequence)
                {
                    firstAfter = u;
                }
            }

            return (oldest, firstAfter);
        }
    }

    /// <summary>
    /// Adds <paramref name="shift"/> to the unwrapped sequence of every buffered sample: the collector moved its
    /// numbering up to the previous holder's (<see cref="SequenceUnwrapper.Align"/>), and what it replays must carry it.
    /// </summary>
    internal void ShiftUnwrapped(long shift)
    {
        lock (_gate)
        {
            for (var i = 0; i < _count; i++)
            {
                ref var e = ref _entries[(_head + i) % _entries.Length];
                if (e.Sample.UnwrappedSequence is { } u)
                {
                    e = e with { Sample = e.Sample with { UnwrappedSequence = u + shift } };
                }
            }
        }
    }

    /// <summary>
    /// Clears the published mark of these samples (queued for the sinks but discarded when the collector lost its
    /// role): they were never delivered, so a later promotion of this collector replays them.
    /// </summary>
    public void MarkUnpublished(IReadOnlyCollection<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var numbers = samples.Select(s => s.Number).ToHashSet();
        lock (_gate)
        {
            for (var i = 0; i < _count; i++)
            {
                ref var e = ref _entries[(_head + i) % _entries.Length];
                if (e.Published && numbers.Contains(e.Sample.Number))
                {
                    e = e with { Published = false };
                }
            }
        }
    }

    private static bool Follows(Sample s, int index, int sequence, int lastIndex) =>
        lastIndex >= 0 ? index > lastIndex : s.Sequence is { } q && SequenceRegister.IsAfter(q, sequence);

    private int LastIndexOfSequenceLocked(int sequence)
    {
        for (var i = _count - 1; i >= 0; i--)
        {
            if (_entries[(_head + i) % _entries.Length].Sample.Sequence == sequence)
            {
                return i;
            }
        }

        return -1;
    }

    private List<Sample> SelectLocked(int limit, Func<Entry, int, bool> predicate)
    {
        var list = new List<Sample>();
        for (var i = 0; i < _count && list.Count < limit; i++)
        {
            var e = _entries[(_head + i) % _entries.Length];
            if (predicate(e, i))
            {
                list.Add(e.Sample);
            }
        }

        return list;
    }

    private void TrimLocked(DateTimeOffset cutoff)
    {
        while (_count > 0 && _entries[_head].Sample.Timestamp < cutoff)
        {
            _entries[_head] = default;
            _head = (_head + 1) % _entries.Length;
            _count--;
        }
    }

    private record struct Entry(Sample Sample, bool Published);
}
