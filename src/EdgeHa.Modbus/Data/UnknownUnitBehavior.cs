namespace EdgeHa.Modbus;

/// <summary>What <see cref="DataStoreRequestHandler"/> does with a request for a unit the store does not hold.</summary>
public enum UnknownUnitBehavior
{
    /// <summary>Answer exception 0x0B, as a gateway does when its target device does not respond (the default).</summary>
    GatewayTargetFailedToRespond,

    /// <summary>Send nothing, as a single device that ignores other addresses; the client times out.</summary>
    NoResponse,
}
