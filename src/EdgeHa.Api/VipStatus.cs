namespace EdgeHa.Api;

/// <summary>The virtual IP as observed.</summary>
public sealed class VipStatus
{
    /// <summary>The address assigned to the Service.</summary>
    public string? Address { get; set; }

    /// <summary>The node that announces the address.</summary>
    public string? AnnouncedBy { get; set; }

    /// <summary>The provider that announces it.</summary>
    public VipProvider? Provider { get; set; }
}
