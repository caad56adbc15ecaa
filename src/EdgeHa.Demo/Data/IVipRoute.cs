namespace EdgeHa.Demo.Data;

/// <summary>Resolves the VIP to the local endpoint that answers for it (LoopbackLoadBalancer.Resolve in the sandbox).</summary>
public interface IVipRoute
{
    /// <summary>The VIP as written in the pair ("192.168.100.50:8080").</summary>
    string Name { get; }

    /// <summary>The current target, or null when nothing listens for the VIP yet.</summary>
    VipTarget? Current();
}
