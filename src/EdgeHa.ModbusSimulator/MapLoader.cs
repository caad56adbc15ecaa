using System.Globalization;
using EdgeHa.Modbus;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeHa.ModbusSimulator;

/// <summary>
/// Reads a register map from YAML (or JSON, which is read as YAML flow style) and validates it completely, so a bad
/// map fails at start-up with a <see cref="MapException"/> that names the field, its line and column.
/// Unknown fields are errors too: a typo must not silently fall back to a default.
/// </summary>
public static class MapLoader
{
    private static readonly string[] UnitKeys = ["unit", "coils", "discreteInputs", "holdingRegisters", "inputRegisters", "values", "exceptions", "latency", "drops"];
    private static readonly string[] RangeKeys = ["start", "count", "readOnly"];
    private static readonly string[] ValueKeys = ["name", "table", "address", "type", "wordOrder", "length", "value", "generator"];
    private static readonly string[] SelectorKeys = ["table", "address", "count", "functions"];

    /// <summary>Loads a map file; the file name is used as the source in error messages.</summary>
    public static SimulatorMap LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MapException(path, 0, 0, "", $"cannot read the map: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates a map; <paramref name="source"/> names it in error messages.</summary>
    public static SimulatorMap Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(source);

        // JSON forbids raw tabs inside strings, so turning every tab into one space is safe and keeps columns.
        if (text.TrimStart().StartsWith('{'))
        {
            text = text.Replace('\t', ' ');
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new MapException(source, (int)e.Start.Line, (int)e.Start.Column, "", $"not valid YAML/JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // The YAML scanner fails this way on some malformed input (found by the mutation test); it is still bad input.
            throw new MapException(source, 0, 0, "", $"not valid YAML/JSON: {e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new MapException(source, 1, 1, "", "the map is empty; it needs 'units'");
        }

        if (stream.Documents.Count > 1)
        {
            throw reader.Error(stream.Documents[1].RootNode, "", "the map must be a single document");
        }

        var root = reader.Mapping(stream.Documents[0].RootNode, "");
        reader.OnlyKeys(root, "", ["units"]);
        var unitsNode = reader.Required(root, "", "units");
        var units = new List<UnitMap>();
        var unitSequence = reader.Sequence(unitsNode, "units");
        if (unitSequence.Children.Count == 0)
        {
            throw reader.Error(unitsNode, "units", "at least one unit is needed");
        }

        for (var i = 0; i < unitSequence.Children.Count; i++)
        {
            var path = $"units[{i}]";
            var unit = ParseUnit(reader, unitSequence.Children[i], path);
            if (units.Any(u => u.UnitId == unit.UnitId))
            {
                throw reader.Error(((YamlMappingNode)unitSequence.Children[i]).Children[new YamlScalarNode("unit")], $"{path}.unit", $"unit {unit.UnitId} is defined twice");
            }

            units.Add(unit);
        }

        return new SimulatorMap(units);
    }

    private static UnitMap ParseUnit(Reader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path);
        reader.OnlyKeys(map, path, UnitKeys);
        var unitId = (byte)reader.Integer(reader.Required(map, path, "unit"), $"{path}.unit", 0, 255);

        var ranges = new Dictionary<ModbusTable, IReadOnlyList<AddressRange>>();
        foreach (var (key, table) in new[] { ("coils", ModbusTable.Coils), ("discreteInputs", ModbusTable.DiscreteInputs), ("holdingRegisters", ModbusTable.HoldingRegisters), ("inputRegisters", ModbusTable.InputRegisters) })
        {
            if (reader.Optional(map, key) is { } rangesNode)
            {
                ranges[table] = ParseRanges(reader, rangesNode, $"{path}.{key}", table);
            }
        }

        var points = new List<PointDefinition>();
        if (reader.Optional(map, "values") is { } valuesNode)
        {
            var sequence = reader.Sequence(valuesNode, $"{path}.values");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var pointPath = $"{path}.values[{i}]";
                var point = ParsePoint(reader, sequence.Children[i], pointPath);
                var tableRanges = ranges.TryGetValue(point.Table, out var r) ? r : [];
                if (!tableRanges.Any(x => x.Contains(point.Address, point.Length)))
                {
                    throw reader.Error(sequence.Children[i], pointPath, $"addresses {point.Address}-{point.Address + point.Length - 1} of table {TableName(point.Table)} are not all inside one range defined for the unit");
                }

                if (points.FirstOrDefault(p => p.Table == point.Table && p.Address <= point.Address + point.Length - 1 && point.Address <= p.Address + p.Length - 1) is { } clash)
                {
                    throw reader.Error(sequence.Children[i], pointPath, $"overlaps the value at {TableName(clash.Table)} address {clash.Address}");
                }

                points.Add(point);
            }
        }

        return new UnitMap
        {
            UnitId = unitId,
            Ranges = ranges,
            Points = points,
            Exceptions = ParseList(reader, map, "exceptions", path, (n, p) => ParseExceptionFault(reader, n, p)),
            Latencies = ParseList(reader, map, "latency", path, (n, p) => ParseLatencyFault(reader, n, p)),
            Drops = ParseList(reader, map, "drops", path, (n, p) => ParseDropFault(reader, n, p)),
        };
    }

    private static List<T> ParseList<T>(Reader reader, YamlMappingNode map, string key, string path, Func<YamlNode, string, T> parse)
    {
        var list = new List<T>();
        if (reader.Optional(map, key) is { } node)
        {
            var sequence = reader.Sequence(node, $"{path}.{key}");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                list.Add(parse(sequence.Children[i], $"{path}.{key}[{i}]"));
            }
        }

        return list;
    }

    private static List<AddressRange> ParseRanges(Reader reader, YamlNode node, string path, ModbusTable table)
    {
        var sequence = reader.Sequence(node, path);
        var ranges = new List<AddressRange>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var rangePath = $"{path}[{i}]";
            var map = reader.Mapping(sequence.Children[i], rangePath);
            reader.OnlyKeys(map, rangePath, RangeKeys);
            var start = (int)reader.Integer(reader.Required(map, rangePath, "start"), $"{rangePath}.start", 0, 65535);
            var count = (int)reader.Integer(reader.Required(map, rangePath, "count"), $"{rangePath}.count", 1, 65536);
            if (start + count > 65536)
            {
                throw reader.Error(map, rangePath, $"start {start} + count {count} goes past address 65535");
            }

            var readOnly = false;
            if (reader.Optional(map, "readOnly") is { } readOnlyNode)
            {
                readOnly = reader.Boolean(readOnlyNode, $"{rangePath}.readOnly");
                if (table is ModbusTable.DiscreteInputs or ModbusTable.InputRegisters)
                {
                    throw reader.Error(readOnlyNode, $"{rangePath}.readOnly", "discrete inputs and input registers are always read-only; 'readOnly' applies to coils and holding registers");
                }
            }

            var range = new AddressRange(start, count, readOnly);
            if (ranges.FirstOrDefault(r => r.Overlaps(start, count)) is { Count: > 0 } clash)
            {
                throw reader.Error(map, rangePath, $"overlaps the range {clash.Start}-{clash.End}");
            }

            ranges.Add(range);
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        return ranges;
    }

    private static PointDefinition ParsePoint(Reader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path);
        reader.OnlyKeys(map, path, ValueKeys);
        var table = ParseTable(reader, reader.Required(map, path, "table"), $"{path}.table");
        var address = (int)reader.Integer(reader.Required(map, path, "address"), $"{path}.address", 0, 65535);
        var isBit = table is ModbusTable.Coils or ModbusTable.DiscreteInputs;
        var type = isBit ? PointType.Bool : PointType.UInt16;
        if (reader.Optional(map, "type") is { } typeNode)
        {
            var typeName = reader.Scalar(typeNode, $"{path}.type");
            type = typeName switch
            {
                "bool" => PointType.Bool,
                "int16" => PointType.Int16,
                "uint16" => PointType.UInt16,
                "int32" => PointType.Int32,
                "uint32" => PointType.UInt32,
                "float32" => PointType.Float32,
                "string" => PointType.String,
                _ => throw reader.Error(typeNode, $"{path}.type", $"unknown type '{typeName}' (expected bool, int16, uint16, int32, uint32, float32 or string)"),
            };
            if (isBit != (type == PointType.Bool))
            {
                throw reader.Error(typeNode, $"{path}.type", isBit
                    ? $"{TableName(table)} values are bits; the type must be bool"
                    : $"{TableName(table)} values are registers; bool applies to coils and discrete inputs");
            }
        }

        var wordOrder = WordOrder.BigEndian;
        if (reader.Optional(map, "wordOrder") is { } orderNode)
        {
            if (type is not (PointType.Int32 or PointType.UInt32 or PointType.Float32))
            {
                throw reader.Error(orderNode, $"{path}.wordOrder", "applies only to int32, uint32 and float32");
            }

            var order = reader.Scalar(orderNode, $"{path}.wordOrder");
            wordOrder = order switch
            {
                "bigEndian" => WordOrder.BigEndian,
                "littleEndian" => WordOrder.LittleEndian,
                _ => throw reader.Error(orderNode, $"{path}.wordOrder", $"unknown word order '{order}' (expected bigEndian: high word first, or littleEndian: low word first)"),
            };
        }

        var valueNode = reader.Optional(map, "value");
        var generatorNode = reader.Optional(map, "generator");
        if (valueNode is not null && generatorNode is not null)
        {
            throw reader.Error(generatorNode, $"{path}.generator", "give either 'value' or 'generator', not both");
        }

        if (valueNode is null && generatorNode is null)
        {
            throw reader.Error(map, path, "needs 'value' or 'generator'");
        }

        var length = type switch
        {
            PointType.Bool or PointType.Int16 or PointType.UInt16 => 1,
            PointType.Int32 or PointType.UInt32 or PointType.Float32 => 2,
            _ => 0,
        };
        var lengthNode = reader.Optional(map, "length");
        if (lengthNode is not null && type != PointType.String)
        {
            throw reader.Error(lengthNode, $"{path}.length", "applies only to strings");
        }

        double number = 0;
        string? text = null;
        GeneratorDefinition? generator = null;
        if (type == PointType.String)
        {
            if (valueNode is null)
            {
                throw reader.Error(generatorNode!, $"{path}.generator", "strings take a 'value', not a generator");
            }

            text = reader.Scalar(valueNode, $"{path}.value");
            if (text.Any(c => c > 0x7F))
            {
                throw reader.Error(valueNode, $"{path}.value", "strings must be ASCII");
            }

            length = lengthNode is null ? Math.Max(1, (text.Length + 1) / 2) : (int)reader.Integer(lengthNode, $"{path}.length", 1, 125);
            if (text.Length > length * 2)
            {
                throw reader.Error(valueNode, $"{path}.value", $"{text.Length} characters do not fit in {length} registers ({length * 2} characters)");
            }
        }
        else if (valueNode is not null)
        {
            number = type == PointType.Bool ? (reader.Boolean(valueNode, $"{path}.value") ? 1 : 0) : reader.Number(valueNode, $"{path}.value");
            CheckFits(reader, valueNode, $"{path}.value", type, number);
        }
        else
        {
            generator = ParseGenerator(reader, generatorNode!, $"{path}.generator");
            if (generator is ConstantGenerator constant)
            {
                CheckFits(reader, generatorNode!, $"{path}.generator.value", type, constant.Value);
            }
        }

        if (address + length > 65536)
        {
            throw reader.Error(map, path, $"a {type.ToString().ToLowerInvariant()} at address {address} goes past address 65535");
        }

        string? name = reader.Optional(map, "name") is { } nameNode ? reader.Scalar(nameNode, $"{path}.name") : null;
        return new PointDefinition { Table = table, Address = address, Type = type, WordOrder = wordOrder, Length = length, Number = number, Text = text, Generator = generator, Name = name };
    }

    private static void CheckFits(Reader reader, YamlNode node, string path, PointType type, double value)
    {
        var (min, max) = type switch
        {
            PointType.Bool => (0d, 1d),
            PointType.Int16 => (short.MinValue, short.MaxValue),
            PointType.UInt16 => (ushort.MinValue, ushort.MaxValue),
            PointType.Int32 => (int.MinValue, int.MaxValue),
            PointType.UInt32 => (uint.MinValue, uint.MaxValue),
            _ => (double.MinValue, double.MaxValue),
        };
        if (value < min || value > max)
        {
            throw reader.Error(node, path, $"{value.ToString(CultureInfo.InvariantCulture)} does not fit in {type.ToString().ToLowerInvariant()} ({min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    private static GeneratorDefinition ParseGenerator(Reader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path);
        var kindNode = reader.Required(map, path, "kind");
        var kind = reader.Scalar(kindNode, $"{path}.kind");
        double Num(string key, double fallback) => reader.Optional(map, key) is { } n ? reader.Number(n, $"{path}.{key}") : fallback;
        TimeSpan Period(double fallbackMs)
        {
            var node = reader.Optional(map, "periodMilliseconds");
            var ms = node is null ? fallbackMs : reader.Integer(node, $"{path}.periodMilliseconds", 1, int.MaxValue);
            return TimeSpan.FromMilliseconds(ms);
        }

        switch (kind)
        {
            case "counter":
                reader.OnlyKeys(map, path, ["kind", "start", "step", "periodMilliseconds"]);
                return new CounterGenerator(Num("start", 0), Num("step", 1), Period(1000));
            case "sine":
                reader.OnlyKeys(map, path, ["kind", "amplitude", "offset", "periodMilliseconds", "phaseDegrees"]);
                return new SineGenerator(Num("amplitude", 1), Num("offset", 0), Period(60000), Num("phaseDegrees", 0));
            case "sawtooth":
                {
                    reader.OnlyKeys(map, path, ["kind", "min", "max", "periodMilliseconds"]);
                    var (min, max) = (Num("min", 0), Num("max", 100));
                    if (max <= min)
                    {
                        throw reader.Error(map, $"{path}.max", $"max ({max.ToString(CultureInfo.InvariantCulture)}) must be greater than min ({min.ToString(CultureInfo.InvariantCulture)})");
                    }

                    return new SawtoothGenerator(min, max, Period(60000));
                }

            case "randomWalk":
                {
                    reader.OnlyKeys(map, path, ["kind", "start", "step", "min", "max", "periodMilliseconds", "seed"]);
                    var (min, max) = (Num("min", 0), Num("max", 100));
                    if (max <= min)
                    {
                        throw reader.Error(map, $"{path}.max", $"max ({max.ToString(CultureInfo.InvariantCulture)}) must be greater than min ({min.ToString(CultureInfo.InvariantCulture)})");
                    }

                    var start = Num("start", min);
                    if (start < min || start > max)
                    {
                        throw reader.Error(map, $"{path}.start", "start must lie between min and max");
                    }

                    var step = Num("step", 1);
                    if (step <= 0)
                    {
                        throw reader.Error(map, $"{path}.step", "step must be greater than 0");
                    }

                    var seed = reader.Optional(map, "seed") is { } s ? (int)reader.Integer(s, $"{path}.seed", int.MinValue, int.MaxValue) : 0;
                    return new RandomWalkGenerator(start, step, min, max, Period(1000), seed);
                }

            case "timestamp":
                reader.OnlyKeys(map, path, ["kind"]);
                return new TimestampGenerator();
            case "constant":
                reader.OnlyKeys(map, path, ["kind", "value"]);
                return new ConstantGenerator(reader.Number(reader.Required(map, path, "value"), $"{path}.value"));
            default:
                throw reader.Error(kindNode, $"{path}.kind", $"unknown generator '{kind}' (expected counter, sine, sawtooth, randomWalk, timestamp or constant)");
        }
    }

    private static FaultSelector ParseSelector(Reader reader, YamlMappingNode map, string path)
    {
        ModbusTable? table = reader.Optional(map, "table") is { } t ? ParseTable(reader, t, $"{path}.table") : null;
        int? address = reader.Optional(map, "address") is { } a ? (int)reader.Integer(a, $"{path}.address", 0, 65535) : null;
        var countNode = reader.Optional(map, "count");
        if (countNode is not null && address is null)
        {
            throw reader.Error(countNode, $"{path}.count", "needs 'address'");
        }

        var count = countNode is null ? 1 : (int)reader.Integer(countNode, $"{path}.count", 1, 65536);
        HashSet<ModbusFunctionCode>? functions = null;
        if (reader.Optional(map, "functions") is { } f)
        {
            functions = [];
            var sequence = reader.Sequence(f, $"{path}.functions");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var code = reader.Integer(sequence.Children[i], $"{path}.functions[{i}]", 1, 127);
                if (!Enum.IsDefined((ModbusFunctionCode)code))
                {
                    throw reader.Error(sequence.Children[i], $"{path}.functions[{i}]", $"function code {code} is not one the simulator serves (1, 2, 3, 4, 5, 6, 15, 16, 23)");
                }

                functions.Add((ModbusFunctionCode)code);
            }
        }

        return new FaultSelector(table, address, count, functions);
    }

    private static ExceptionFault ParseExceptionFault(Reader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path);
        reader.OnlyKeys(map, path, [.. SelectorKeys, "code"]);
        var codeNode = reader.Required(map, path, "code");
        var code = reader.Integer(codeNode, $"{path}.code", 0, 255);
        if (code is not (1 or 2 or 3 or 4 or 6 or 0x0B))
        {
            throw reader.Error(codeNode, $"{path}.code", $"exception code {code} cannot be injected (expected 1, 2, 3, 4, 6 or 11 / 0x0B)");
        }

        return new ExceptionFault(ParseSelector(reader, map, path), (ModbusExceptionCode)code);
    }

    private static LatencyFault ParseLatencyFault(Reader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path);
        reader.OnlyKeys(map, path, [.. SelectorKeys, "milliseconds"]);
        var ms = reader.Integer(reader.Required(map, path, "milliseconds"), $"{path}.milliseconds", 0, 600_000);
        return new LatencyFault(ParseSelector(reader, map, path), TimeSpan.FromMilliseconds(ms));
    }

    private static DropFault ParseDropFault(Reader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path);
        reader.OnlyKeys(map, path, [.. SelectorKeys, "everyNth"]);
        var nth = reader.Optional(map, "everyNth") is { } n ? (int)reader.Integer(n, $"{path}.everyNth", 1, int.MaxValue) : 1;
        return new DropFault(ParseSelector(reader, map, path), nth);
    }

    private static ModbusTable ParseTable(Reader reader, YamlNode node, string path)
    {
        var name = reader.Scalar(node, path);
        return TableNames.TryParse(name, out var table)
            ? table
            : throw reader.Error(node, path, $"unknown table '{name}' (expected coil, discrete, holding or input)");
    }

    private static string TableName(ModbusTable table) => TableNames.ToName(table);

    /// <summary>Typed access to YAML nodes that turns every mismatch into a located <see cref="MapException"/>.</summary>
    private sealed class Reader(string source)
    {
        public MapException Error(YamlNode node, string path, string problem) =>
            new(source, (int)node.Start.Line, (int)node.Start.Column, path, problem);

        public YamlMappingNode Mapping(YamlNode node, string path) =>
            node as YamlMappingNode ?? throw Error(node, path, "expected a mapping (key: value pairs)");

        public YamlSequenceNode Sequence(YamlNode node, string path) =>
            node as YamlSequenceNode ?? throw Error(node, path, "expected a list");

        public string Scalar(YamlNode node, string path) =>
            node is YamlScalarNode { Value: { } value } ? value : throw Error(node, path, "expected a single value");

        public YamlNode Required(YamlMappingNode map, string path, string key) =>
            Optional(map, key) ?? throw Error(map, string.IsNullOrEmpty(path) ? key : $"{path}.{key}", "is required");

        public YamlNode? Optional(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public void OnlyKeys(YamlMappingNode map, string path, string[] allowed)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = key is YamlScalarNode { Value: { } v } ? v : "?";
                if (!allowed.Contains(name, StringComparer.Ordinal))
                {
                    var field = string.IsNullOrEmpty(path) ? name : $"{path}.{name}";
                    throw Error(key, field, $"unknown field (expected one of: {string.Join(", ", allowed)})");
                }
            }
        }

        public long Integer(YamlNode node, string path, long min, long max)
        {
            var text = Scalar(node, path);
            long value;
            var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
                : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            if (!ok)
            {
                throw Error(node, path, $"'{text}' is not an integer");
            }

            return value < min || value > max ? throw Error(node, path, $"{value} is out of range ({min}..{max})") : value;
        }

        public double Number(YamlNode node, string path)
        {
            var text = Scalar(node, path);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Error(node, path, $"'{text}' is not a number");
        }

        public bool Boolean(YamlNode node, string path)
        {
            var text = Scalar(node, path);
            return text switch
            {
                "true" or "True" or "TRUE" or "1" => true,
                "false" or "False" or "FALSE" or "0" => false,
                _ => throw Error(node, path, $"'{text}' is not true or false"),
            };
        }
    }
}
