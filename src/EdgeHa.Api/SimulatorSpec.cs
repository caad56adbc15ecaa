using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EdgeHa.Api;

/// <summary>Modbus simulator pods for the pair plus an end-to-end check that data flows through the active collector.</summary>
public sealed class SimulatorSpec
{
    /// <summary>Run the simulator and the end-to-end data check.</summary>
    [DefaultValue(false)]
    public bool Enabled { get; set; }

    /// <summary>The simulator container image; the operator's default simulator image when omitted.</summary>
    [MaxLength(512)]
    public string? Image { get; set; }

    /// <summary>The simulator's Modbus TCP port.</summary>
    [Range(1, 65535)]
    [DefaultValue(5020)]
    public int Port { get; set; } = 5020;

    /// <summary>Seconds between end-to-end checks that the sequence register advances through the active collector.</summary>
    [Range(1, 3600)]
    [DefaultValue(10)]
    public int CheckPeriodSeconds { get; set; } = 10;

    /// <summary>The input register that counts up once per second, used by the end-to-end check.</summary>
    [Range(0, 65535)]
    [DefaultValue(0)]
    public int SequenceAddress { get; set; }
}
