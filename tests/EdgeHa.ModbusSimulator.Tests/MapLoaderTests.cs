using EdgeHa.Modbus;

namespace EdgeHa.ModbusSimulator.Tests;

public class MapLoaderTests
{
    [Fact]
    public void Parse_DefaultMap_HasUnitOneWithAllTablesAndSequenceCounter()
    {
        var map = SimulatorMap.Default;

        var unit = Assert.Single(map.Units);
        Assert.Equal(1, unit.UnitId);
        foreach (var table in Enum.GetValues<ModbusTable>())
        {
            Assert.Equal([new AddressRange(0, 10000)], unit.RangesOf(table));
        }

        var sequence = unit.Points.Single(p => p.Name == "sequence");
        Assert.Equal((ModbusTable.InputRegisters, 0, PointType.UInt16), (sequence.Table, sequence.Address, sequence.Type));
        Assert.Equal(new CounterGenerator(0, 1, TimeSpan.FromMilliseconds(100)), sequence.Generator);
    }

    [Fact]
    public void LoadFile_SampleMap_LoadsEveryFeature()
    {
        var map = MapLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "samples", "simulator-map.yaml"));

        Assert.Equal([1, 2], map.Units.Select(u => (int)u.UnitId));
        var unit = map.Units[0];
        Assert.Equal([new AddressRange(0, 100), new AddressRange(1000, 20, ReadOnly: true)], unit.RangesOf(ModbusTable.HoldingRegisters));
        var model = unit.Points.Single(p => p.Name == "model");
        Assert.Equal((PointType.String, 8, "EDGE-SIM-01"), (model.Type, model.Length, model.Text));
        Assert.Equal(WordOrder.LittleEndian, unit.Points.Single(p => p.Name == "limit").WordOrder);
        Assert.Equal(new RandomWalkGenerator(500, 5, 0, 1000, TimeSpan.FromMilliseconds(500), 42), unit.Points.Single(p => p.Name == "pressure").Generator);
        Assert.Equal(ModbusExceptionCode.GatewayTargetFailedToRespond, unit.Exceptions[1].Code);
        Assert.Equal(new HashSet<ModbusFunctionCode> { ModbusFunctionCode.WriteSingleRegister, ModbusFunctionCode.WriteMultipleRegisters }, unit.Exceptions[2].Selector.Functions);
        Assert.Equal(TimeSpan.FromMilliseconds(250), unit.Latencies[0].Delay);
        Assert.Equal(new FaultSelector(ModbusTable.InputRegisters, 199, 1, null), unit.Drops[0].Selector);
        Assert.Equal(FaultSelector.All, map.Units[1].Latencies[0].Selector);
    }

    [Fact]
    public void Parse_JsonMapWithTabs_LoadsLikeYaml()
    {
        const string json = "{\n\t\"units\": [\n\t\t{ \"unit\": 3, \"holdingRegisters\": [ { \"start\": 10, \"count\": 5 } ],\n\t\t  \"values\": [ { \"table\": \"holding\", \"address\": 11, \"type\": \"int32\", \"wordOrder\": \"littleEndian\", \"value\": -5 } ] }\n\t]\n}\n";

        var map = MapLoader.Parse(json, "map.json");

        var unit = Assert.Single(map.Units);
        Assert.Equal(3, unit.UnitId);
        var point = Assert.Single(unit.Points);
        Assert.Equal((PointType.Int32, WordOrder.LittleEndian, -5d, 2), (point.Type, point.WordOrder, point.Number, point.Length));
    }

    [Theory]
    [InlineData("", "m.yaml:1:1: the map is empty; it needs 'units'")]
    [InlineData("unitz: []", "m.yaml:1:1: unitz: unknown field (expected one of: units)")]
    [InlineData("units: []", "m.yaml:1:8: units: at least one unit is needed")]
    [InlineData("units: 5", "m.yaml:1:8: units: expected a list")]
    [InlineData("units:\n  - coils: []", "m.yaml:2:5: units[0].unit: is required")]
    [InlineData("units:\n  - unit: 300", "m.yaml:2:11: units[0].unit: 300 is out of range (0..255)")]
    [InlineData("units:\n  - unit: one", "m.yaml:2:11: units[0].unit: 'one' is not an integer")]
    [InlineData("units:\n  - unit: 1\n  - unit: 1", "m.yaml:3:11: units[1].unit: unit 1 is defined twice")]
    [InlineData("units:\n  - unit: 1\n    colis: []", "m.yaml:3:5: units[0].colis: unknown field (expected one of: unit, coils, discreteInputs, holdingRegisters, inputRegisters, values, exceptions, latency, drops)")]
    [InlineData("units:\n  - unit: 1\n    coils: [{ start: 0 }]", "m.yaml:3:13: units[0].coils[0].count: is required")]
    [InlineData("units:\n  - unit: 1\n    coils: [{ start: 65535, count: 2 }]", "m.yaml:3:13: units[0].coils[0]: start 65535 + count 2 goes past address 65535")]
    [InlineData("units:\n  - unit: 1\n    coils: [{ start: 0, count: 0 }]", "m.yaml:3:32: units[0].coils[0].count: 0 is out of range (1..65536)")]
    [InlineData("units:\n  - unit: 1\n    holdingRegisters: [{ start: 0, count: 10 }, { start: 5, count: 10 }]", "m.yaml:3:49: units[0].holdingRegisters[1]: overlaps the range 0-9")]
    [InlineData("units:\n  - unit: 1\n    inputRegisters: [{ start: 0, count: 10, readOnly: true }]", "m.yaml:3:55: units[0].inputRegisters[0].readOnly: discrete inputs and input registers are always read-only; 'readOnly' applies to coils and holding registers")]
    [InlineData("units:\n  - unit: 1\n    coils: [{ start: 0, count: 1, readOnly: maybe }]", "m.yaml:3:45: units[0].coils[0].readOnly: 'maybe' is not true or false")]
    public void Parse_InvalidStructure_FailsNamingFieldAndLocation(string yaml, string expected)
    {
        var e = Assert.Throws<MapException>(() => MapLoader.Parse(yaml, "m.yaml"));
        Assert.Equal(expected, e.Message);
    }

    private const string Unit = "units:\n  - unit: 1\n    holdingRegisters: [{ start: 0, count: 10 }]\n    coils: [{ start: 0, count: 10 }]\n";

    [Theory]
    [InlineData("    values:\n      - { table: holding, address: 0, type: int8, value: 1 }", "m.yaml:6:45: units[0].values[0].type: unknown type 'int8' (expected bool, int16, uint16, int32, uint32, float32 or string)")]
    [InlineData("    values:\n      - { table: register, address: 0, value: 1 }", "m.yaml:6:18: units[0].values[0].table: unknown table 'register' (expected coil, discrete, holding or input)")]
    [InlineData("    values:\n      - { table: holding, address: 0 }", "m.yaml:6:9: units[0].values[0]: needs 'value' or 'generator'")]
    [InlineData("    values:\n      - { table: holding, address: 0, value: 1, generator: { kind: constant, value: 1 } }", "m.yaml:6:60: units[0].values[0].generator: give either 'value' or 'generator', not both")]
    [InlineData("    values:\n      - { table: holding, address: 9, type: uint32, value: 1 }", "m.yaml:6:9: units[0].values[0]: addresses 9-10 of table holding are not all inside one range defined for the unit")]
    [InlineData("    values:\n      - { table: input, address: 0, value: 1 }", "m.yaml:6:9: units[0].values[0]: addresses 0-0 of table input are not all inside one range defined for the unit")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: uint32, value: 1 }\n      - { table: holding, address: 1, value: 1 }", "m.yaml:7:9: units[0].values[1]: overlaps the value at holding address 0")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: int16, value: 40000 }", "m.yaml:6:59: units[0].values[0].value: 40000 does not fit in int16 (-32768..32767)")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: uint16, value: -1 }", "m.yaml:6:60: units[0].values[0].value: -1 does not fit in uint16 (0..65535)")]
    [InlineData("    values:\n      - { table: holding, address: 0, value: abc }", "m.yaml:6:46: units[0].values[0].value: 'abc' is not a number")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: uint16, wordOrder: bigEndian, value: 1 }", "m.yaml:6:64: units[0].values[0].wordOrder: applies only to int32, uint32 and float32")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: float32, wordOrder: middle, value: 1 }", "m.yaml:6:65: units[0].values[0].wordOrder: unknown word order 'middle' (expected bigEndian: high word first, or littleEndian: low word first)")]
    [InlineData("    values:\n      - { table: coil, address: 0, type: uint16, value: 1 }", "m.yaml:6:42: units[0].values[0].type: coil values are bits; the type must be bool")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: bool, value: true }", "m.yaml:6:45: units[0].values[0].type: holding values are registers; bool applies to coils and discrete inputs")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: string, length: 2, value: ABCDE }", "m.yaml:6:71: units[0].values[0].value: 5 characters do not fit in 2 registers (4 characters)")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: uint16, length: 2, value: 1 }", "m.yaml:6:61: units[0].values[0].length: applies only to strings")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: string, generator: { kind: counter } }", "m.yaml:6:64: units[0].values[0].generator: strings take a 'value', not a generator")]
    [InlineData("    values:\n      - { table: holding, address: 0, generator: { kind: square } }", "m.yaml:6:58: units[0].values[0].generator.kind: unknown generator 'square' (expected counter, sine, sawtooth, randomWalk, timestamp or constant)")]
    [InlineData("    values:\n      - { table: holding, address: 0, generator: { step: 1 } }", "m.yaml:6:50: units[0].values[0].generator.kind: is required")]
    [InlineData("    values:\n      - { table: holding, address: 0, generator: { kind: counter, stepp: 1 } }", "m.yaml:6:67: units[0].values[0].generator.stepp: unknown field (expected one of: kind, start, step, periodMilliseconds)")]
    [InlineData("    values:\n      - { table: holding, address: 0, generator: { kind: counter, periodMilliseconds: 0 } }", "m.yaml:6:87: units[0].values[0].generator.periodMilliseconds: 0 is out of range (1..2147483647)")]
    [InlineData("    values:\n      - { table: holding, address: 0, generator: { kind: sawtooth, min: 5, max: 5 } }", "m.yaml:6:50: units[0].values[0].generator.max: max (5) must be greater than min (5)")]
    [InlineData("    values:\n      - { table: holding, address: 0, generator: { kind: randomWalk, min: 0, max: 10, start: 11 } }", "m.yaml:6:50: units[0].values[0].generator.start: start must lie between min and max")]
    [InlineData("    values:\n      - { table: holding, address: 0, type: int16, generator: { kind: constant, value: 99999 } }", "m.yaml:6:63: units[0].values[0].generator.value: 99999 does not fit in int16 (-32768..32767)")]
    [InlineData("    exceptions:\n      - { table: holding, address: 0, code: 5 }", "m.yaml:6:45: units[0].exceptions[0].code: exception code 5 cannot be injected (expected 1, 2, 3, 4, 6 or 11 / 0x0B)")]
    [InlineData("    exceptions:\n      - { table: holding, address: 0 }", "m.yaml:6:9: units[0].exceptions[0].code: is required")]
    [InlineData("    exceptions:\n      - { table: holding, count: 3, code: 4 }", "m.yaml:6:34: units[0].exceptions[0].count: needs 'address'")]
    [InlineData("    exceptions:\n      - { functions: [7], code: 4 }", "m.yaml:6:23: units[0].exceptions[0].functions[0]: function code 7 is not one the simulator serves (1, 2, 3, 4, 5, 6, 15, 16, 23)")]
    [InlineData("    latency:\n      - { millis: 5 }", "m.yaml:6:11: units[0].latency[0].millis: unknown field (expected one of: table, address, count, functions, milliseconds)")]
    [InlineData("    latency:\n      - { milliseconds: -1 }", "m.yaml:6:25: units[0].latency[0].milliseconds: -1 is out of range (0..600000)")]
    [InlineData("    drops:\n      - { everyNth: 0 }", "m.yaml:6:21: units[0].drops[0].everyNth: 0 is out of range (1..2147483647)")]
    public void Parse_InvalidValueOrFault_FailsNamingFieldAndLocation(string tail, string expected)
    {
        var e = Assert.Throws<MapException>(() => MapLoader.Parse(Unit + tail, "m.yaml"));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Parse_BrokenYaml_ReportsSyntaxErrorWithLocation()
    {
        var e = Assert.Throws<MapException>(() => MapLoader.Parse("units:\n  - unit: [1\n", "m.yaml"));

        Assert.StartsWith("m.yaml:3:1: not valid YAML/JSON: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void LoadFile_MissingFile_FailsNamingTheFile()
    {
        var e = Assert.Throws<MapException>(() => MapLoader.LoadFile("/nonexistent/map.yaml"));

        Assert.StartsWith("/nonexistent/map.yaml: cannot read the map: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeededMutationsOfSampleMap_OnlyEverThrowMapException()
    {
        var original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "simulator-map.yaml"));
        const string alphabet = " :-,{}[]#&*!|>'\"%@`0123456789xX.\n\tabcdefgholuvy~";
        var random = new Random(20260101);
        for (var i = 0; i < 500; i++)
        {
            var chars = original.ToCharArray().ToList();
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                }
            }

            var text = new string([.. chars]);
            try
            {
                MapLoader.Parse(text, "m.yaml");
            }
            catch (MapException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} threw {e}\n{text}");
            }
        }
    }
}
