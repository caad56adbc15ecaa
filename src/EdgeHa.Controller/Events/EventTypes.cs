namespace EdgeHa.Controller.Events;

/// <summary>The two Event types.</summary>
public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
