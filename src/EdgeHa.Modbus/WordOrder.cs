namespace EdgeHa.Modbus;

/// <summary>How a 32-bit value is split over two consecutive registers. Bytes within a register are always big-endian.</summary>
public enum WordOrder
{
    /// <summary>High word in the first register (AB CD), the Modbus convention.</summary>
    BigEndian,

    /// <summary>Low word in the first register (CD AB), "word swapped".</summary>
    LittleEndian,
}
