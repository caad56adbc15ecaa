namespace EdgeHa.Modbus;

/// <summary>
/// The four tables of one Modbus unit, each a sparse set of address ranges. Thread-safe: every access to a table
/// takes that table's lock, so a multi-register read or write is atomic.
/// </summary>
public sealed class ModbusUnitStore
{
    private readonly Lock[] _locks = [new(), new(), new(), new()];
    private readonly ModbusDataTable<bool> _coils = new();
    private readonly ModbusDataTable<bool> _discreteInputs = new();
    private readonly ModbusDataTable<ushort> _holdingRegisters = new();
    private readonly ModbusDataTable<ushort> _inputRegisters = new();

    public ModbusUnitStore(byte unitId) => UnitId = unitId;

    public byte UnitId { get; }

    /// <summary>Maps <paramref name="count"/> addresses from <paramref name="start"/> in <paramref name="table"/>, initialised to 0/false. Existing values are kept.</summary>
    public ModbusUnitStore AddRange(ModbusTable table, int start, int count)
    {
        var range = new ModbusAddressRange(start, count);
        lock (LockOf(table))
        {
            if (IsBitTable(table))
            {
                BitTable(table).Add(range);
            }
            else
            {
                RegisterTable(table).Add(range);
            }
        }

        return this;
    }

    /// <summary>The mapped ranges of <paramref name="table"/>, in address order.</summary>
    public IReadOnlyList<ModbusAddressRange> GetRanges(ModbusTable table)
    {
        lock (LockOf(table))
        {
            return IsBitTable(table) ? BitTable(table).Ranges : RegisterTable(table).Ranges;
        }
    }

    /// <summary>True when every address of [address, address + count) is mapped in <paramref name="table"/>.</summary>
    public bool IsMapped(ModbusTable table, int address, int count)
    {
        if (count < 1 || address < 0 || address + count > 65536)
        {
            return false;
        }

        lock (LockOf(table))
        {
            return IsBitTable(table) ? !BitTable(table).Find(address, count).IsEmpty : !RegisterTable(table).Find(address, count).IsEmpty;
        }
    }

    /// <summary>Copies bits into <paramref name="destination"/>; false (and nothing copied) when any address is unmapped.</summary>
    public bool TryReadBits(ModbusTable table, int address, Span<bool> destination)
    {
        if (!InRange(address, destination.Length))
        {
            return false;
        }

        lock (LockOf(table))
        {
            var source = BitTable(table).Find(address, destination.Length);
            if (source.IsEmpty)
            {
                return false;
            }

            source.CopyTo(destination);
            return true;
        }
    }

    /// <summary>Stores bits; false (and nothing stored) when any address is unmapped. Any table may be written here.</summary>
    public bool TryWriteBits(ModbusTable table, int address, ReadOnlySpan<bool> values)
    {
        if (!InRange(address, values.Length))
        {
            return false;
        }

        lock (LockOf(table))
        {
            var target = BitTable(table).Find(address, values.Length);
            if (target.IsEmpty)
            {
                return false;
            }

            values.CopyTo(target);
            return true;
        }
    }

    /// <summary>Copies registers into <paramref name="destination"/>; false (and nothing copied) when any address is unmapped.</summary>
    public bool TryReadRegisters(ModbusTable table, int address, Span<ushort> destination)
    {
        if (!InRange(address, destination.Length))
        {
            return false;
        }

        lock (LockOf(table))
        {
            var source = RegisterTable(table).Find(address, destination.Length);
            if (source.IsEmpty)
            {
                return false;
            }

            source.CopyTo(destination);
            return true;
        }
    }

    /// <summary>Stores registers; false (and nothing stored) when any address is unmapped. Any table may be written here.</summary>
    public bool TryWriteRegisters(ModbusTable table, int address, ReadOnlySpan<ushort> values)
    {
        if (!InRange(address, values.Length))
        {
            return false;
        }

        lock (LockOf(table))
        {
            var target = RegisterTable(table).Find(address, values.Length);
            if (target.IsEmpty)
            {
                return false;
            }

            values.CopyTo(target);
            return true;
        }
    }

    /// <summary>
    /// Function 23 as one atomic step on the holding registers: checks both ranges, writes, then reads.
    /// False (and nothing written) when either range is unmapped.
    /// </summary>
    public bool TryWriteThenReadHoldingRegisters(int writeAddress, ReadOnlySpan<ushort> values, int readAddress, Span<ushort> destination)
    {
        if (!InRange(writeAddress, values.Length) || !InRange(readAddress, destination.Length))
        {
            return false;
        }

        lock (LockOf(ModbusTable.HoldingRegisters))
        {
            var target = _holdingRegisters.Find(writeAddress, values.Length);
            if (target.IsEmpty || _holdingRegisters.Find(readAddress, destination.Length).IsEmpty)
            {
                return false;
            }

            values.CopyTo(target);
            _holdingRegisters.Find(readAddress, destination.Length).CopyTo(destination);
            return true;
        }
    }

    /// <summary>Reads one bit; throws <see cref="ArgumentOutOfRangeException"/> when unmapped.</summary>
    public bool GetBit(ModbusTable table, int address)
    {
        Span<bool> value = stackalloc bool[1];
        return TryReadBits(table, address, value) ? value[0] : throw Unmapped(table, address);
    }

    /// <summary>Writes one bit; throws <see cref="ArgumentOutOfRangeException"/> when unmapped.</summary>
    public void SetBit(ModbusTable table, int address, bool value)
    {
        if (!TryWriteBits(table, address, [value]))
        {
            throw Unmapped(table, address);
        }
    }

    /// <summary>Reads one register; throws <see cref="ArgumentOutOfRangeException"/> when unmapped.</summary>
    public ushort GetRegister(ModbusTable table, int address)
    {
        Span<ushort> value = stackalloc ushort[1];
        return TryReadRegisters(table, address, value) ? value[0] : throw Unmapped(table, address);
    }

    /// <summary>Writes one register; throws <see cref="ArgumentOutOfRangeException"/> when unmapped.</summary>
    public void SetRegister(ModbusTable table, int address, ushort value)
    {
        if (!TryWriteRegisters(table, address, [value]))
        {
            throw Unmapped(table, address);
        }
    }

    internal static bool IsBitTable(ModbusTable table) => table is ModbusTable.Coils or ModbusTable.DiscreteInputs;

    private static bool InRange(int address, int count) => count >= 1 && address >= 0 && address + count <= 65536;

    private static ArgumentOutOfRangeException Unmapped(ModbusTable table, int address) =>
        new(nameof(address), address, $"Address {address} is not mapped in {table}.");

    private Lock LockOf(ModbusTable table) => _locks[(int)table];

    private ModbusDataTable<bool> BitTable(ModbusTable table) => table switch
    {
        ModbusTable.Coils => _coils,
        ModbusTable.DiscreteInputs => _discreteInputs,
        _ => throw new ArgumentException($"{table} holds registers, not bits.", nameof(table)),
    };

    private ModbusDataTable<ushort> RegisterTable(ModbusTable table) => table switch
    {
        ModbusTable.HoldingRegisters => _holdingRegisters,
        ModbusTable.InputRegisters => _inputRegisters,
        _ => throw new ArgumentException($"{table} holds bits, not registers.", nameof(table)),
    };
}
