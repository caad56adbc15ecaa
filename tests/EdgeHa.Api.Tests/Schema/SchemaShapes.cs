using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using EdgeHa.Api.Schema;

namespace EdgeHa.Api.Tests.Schema;

/// <summary>One property of each C# shape the generator maps.</summary>
public sealed class SchemaShapes
{
    /// <summary>A string.</summary>
    public string? Text { get; set; }

    /// <summary>A flag.</summary>
    [DefaultValue(true)]
    public bool Flag { get; set; } = true;

    /// <summary>A bounded count.</summary>
    [Range(1, 10)]
    [DefaultValue(3)]
    public int Count { get; set; } = 3;

    /// <summary>A big number.</summary>
    public long? Big { get; set; }

    /// <summary>A time.</summary>
    public DateTimeOffset? When { get; set; }

    /// <summary>An enum.</summary>
    [DefaultValue(StandbyMode.Hot)]
    public StandbyMode Mode { get; set; } = StandbyMode.Hot;

    /// <summary>An embedded object kept as JSON.</summary>
    [Required]
    public JsonObject Template { get; set; } = new();

    /// <summary>Named items.</summary>
    [MinLength(1)]
    [MaxLength(4)]
    [ListMapKey("name")]
    public List<ShapeItem>? Items { get; set; }

    /// <summary>Plain strings.</summary>
    public List<string>? Tags { get; set; }

    /// <summary>A string map.</summary>
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>A constrained string.</summary>
    [MaxLength(5)]
    [RegularExpression("^a+$")]
    public string? Letters { get; set; }

    /// <summary>An object that is always present.</summary>
    public ShapeItem Nested { get; set; } = new();

    /// <summary>An optional object.</summary>
    public ShapeItem? Optional { get; set; }
}

/// <summary>An item with a rule.</summary>
[CelRule("self.name != 'x'", "name must not be x", FieldPath = ".name")]
public sealed class ShapeItem
{
    /// <summary>The key.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>A port.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>A shape Kubernetes APIs must not use.</summary>
public sealed class FloatShape
{
    /// <summary>A ratio.</summary>
    public double Ratio { get; set; }
}

public sealed class UndocumentedShape
{
    public int Value { get; set; }
}
