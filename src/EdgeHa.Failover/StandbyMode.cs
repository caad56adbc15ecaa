namespace EdgeHa.Failover;

/// <summary>How the non-active side runs.</summary>
public enum StandbyMode
{
    /// <summary>The standby collector is stopped (0 replicas); eligibility is judged on its node alone.</summary>
    Cold,

    /// <summary>The standby collector runs in standby role (polls, does not publish); eligibility needs healthy probes.</summary>
    Hot,
}
