namespace EdgeHa.ModbusSimulator;

/// <summary>A whole simulated device: its units. Load one with <see cref="MapLoader"/>.</summary>
public sealed record SimulatorMap(IReadOnlyList<UnitMap> Units)
{
    /// <summary>
    /// The map used without <c>--config</c>: unit 1 with all four tables at 0-9999 (coils and holding registers
    /// writable), a sequence counter at input register 0 (+1 every 100 ms, wrapping at 65535) and generated values
    /// at input registers 1-7.
    /// </summary>
    public const string DefaultYaml = """
        units:
          - unit: 1
            coils: [{ start: 0, count: 10000 }]
            discreteInputs: [{ start: 0, count: 10000 }]
            holdingRegisters: [{ start: 0, count: 10000 }]
            inputRegisters: [{ start: 0, count: 10000 }]
            values:
              - { name: sequence, table: input, address: 0, type: uint16, generator: { kind: counter, step: 1, periodMilliseconds: 100 } }
              - { name: uptimeSeconds, table: input, address: 1, type: uint32, generator: { kind: counter, step: 1, periodMilliseconds: 1000 } }
              - { name: sine, table: input, address: 3, type: int16, generator: { kind: sine, amplitude: 1000, periodMilliseconds: 60000 } }
              - { name: sawtooth, table: input, address: 4, type: uint16, generator: { kind: sawtooth, min: 0, max: 1000, periodMilliseconds: 10000 } }
              - { name: randomWalk, table: input, address: 5, type: int16, generator: { kind: randomWalk, start: 0, step: 10, min: -1000, max: 1000, periodMilliseconds: 1000, seed: 1 } }
              - { name: temperature, table: input, address: 6, type: float32, generator: { kind: sine, amplitude: 5, offset: 20, periodMilliseconds: 300000 } }
        """;

    /// <summary>The default map, parsed.</summary>
    public static SimulatorMap Default { get; } = MapLoader.Parse(DefaultYaml, "default map");

    public UnitMap? FindUnit(byte unitId) => Units.FirstOrDefault(u => u.UnitId == unitId);
}
