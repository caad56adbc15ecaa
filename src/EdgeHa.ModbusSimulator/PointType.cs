namespace EdgeHa.ModbusSimulator;

/// <summary>How a mapped value is laid out in its table.</summary>
public enum PointType
{
    /// <summary>One coil or discrete input.</summary>
    Bool,

    /// <summary>One register, two's complement.</summary>
    Int16,

    /// <summary>One register.</summary>
    UInt16,

    /// <summary>Two registers, two's complement, in the point's word order.</summary>
    Int32,

    /// <summary>Two registers in the point's word order.</summary>
    UInt32,

    /// <summary>Two registers holding an IEEE 754 single, in the point's word order.</summary>
    Float32,

    /// <summary>ASCII text, two characters per register (first character in the high byte), padded with NUL.</summary>
    String,
}
