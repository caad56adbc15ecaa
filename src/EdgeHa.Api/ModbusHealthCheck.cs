using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>A Modbus TCP health check: reads one register from the collector pod; any valid answer (including a Modbus exception) is healthy.</summary>
public sealed class ModbusHealthCheck
{
    /// <summary>The pod's Modbus TCP port.</summary>
    [Range(1, 65535)]
    [DefaultValue(5020)]
    public int Port { get; set; } = 5020;

    /// <summary>The Modbus unit identifier (slave id) to address.</summary>
    [Range(0, 255)]
    [DefaultValue(1)]
    public int UnitId { get; set; } = 1;

    /// <summary>The register table to read.</summary>
    [DefaultValue(ModbusTable.Input)]
    public ModbusTable Table { get; set; } = ModbusTable.Input;

    /// <summary>The zero-based register address to read.</summary>
    [Range(0, 65535)]
    [DefaultValue(0)]
    public int Address { get; set; }
}
