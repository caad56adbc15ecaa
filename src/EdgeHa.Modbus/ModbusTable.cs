namespace EdgeHa.Modbus;

/// <summary>The four primary tables of the Modbus data model.</summary>
public enum ModbusTable
{
    /// <summary>Single bits, read-write (01, 05, 15).</summary>
    Coils,

    /// <summary>Single bits, read-only (02).</summary>
    DiscreteInputs,

    /// <summary>16-bit words, read-write (03, 06, 16, 23).</summary>
    HoldingRegisters,

    /// <summary>16-bit words, read-only (04).</summary>
    InputRegisters,
}
