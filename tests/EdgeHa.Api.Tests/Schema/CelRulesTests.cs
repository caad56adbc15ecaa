using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeHa.Api.Schema;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Api.Tests.Schema;

/// <summary>
/// Evaluates the CRD's CEL rules (as generated into crds/) with a CEL interpreter against pairs, so the rules are
/// known to compile, to accept valid pairs and to reject exactly what they are meant to.
/// </summary>
public sealed class CelRulesTests
{
    private static readonly (string Name, Action<RedundantPair> Change, string? Failure)[] Cases =
    [
        ("valid pair", _ => { }, null),
        ("boundary timeout", p => p.Spec.HealthCheck.TimeoutMilliseconds = 3000, null),
        ("cleared switchover", p => p.Spec.Failover.SwitchoverTo = "", null),
        ("switchover to standby", p => p.Spec.Failover.SwitchoverTo = "ipc-b", null),
        ("no VIP provider, no address", p => { p.Spec.Vip!.Provider = VipProvider.None; p.Spec.Vip.Address = null; }, null),
        ("same port over UDP", p => p.Spec.Vip!.Ports.Add(new VipPort { Name = "udp", Port = 502, Protocol = PortProtocol.UDP }), null),
        ("no probe kind", p => p.Spec.HealthCheck.Http = null, null),
        ("same nodes", p => p.Spec.StandbyNode = "ipc-a", "primaryNode and standbyNode must differ"),
        ("switchover to a third node", p => p.Spec.Failover.SwitchoverTo = "ipc-c", "failover.switchoverTo must name primaryNode or standbyNode"),
        ("two probe kinds", p => p.Spec.HealthCheck.Modbus = new ModbusHealthCheck(), "set only one of http, tcp or modbus"),
        ("timeout beyond budget", p => p.Spec.HealthCheck.TimeoutMilliseconds = 3001, "timeoutMilliseconds must not exceed periodMilliseconds x failureThreshold"),
        ("renew equals lease", p => p.Spec.Fencing.RenewIntervalMilliseconds = 3000, "renewIntervalMilliseconds must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds (the holder's acting window)"),
        ("request timeout leaves no second try", p => p.Spec.Fencing.RequestTimeoutMilliseconds = 1000, "renewIntervalMilliseconds + 2 x requestTimeoutMilliseconds must be less than leaseDurationMilliseconds - clockSkewMarginMilliseconds, so one failed renewal still leaves time for the next"),
        ("MetalLB without address", p => p.Spec.Vip!.Address = null, "address is required when provider is MetalLB or KubeVip"),
        ("pool with kube-vip", p => { p.Spec.Vip!.Provider = VipProvider.KubeVip; p.Spec.Vip.Pool = "plant"; }, "pool applies only to provider MetalLB"),
        ("interface with MetalLB", p => p.Spec.Vip!.Interface = "eth0", "interface applies only to provider KubeVip"),
        ("repeated port and protocol", p => p.Spec.Vip!.Ports.Add(new VipPort { Name = "again", Port = 502 }), "ports must not repeat a port and protocol"),
    ];

    private static readonly Lazy<Dictionary<string, List<string>>> Results = new(Evaluate);

    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    [KubernetesSchemaTheory]
    [MemberData(nameof(CaseNames))]
    public void CelRules_Pair_FailExactlyAsExpected(string name)
    {
        var expected = Cases.Single(c => c.Name == name).Failure;

        var failures = Results.Value[name];

        Assert.Equal(expected is null ? [] : [expected], failures);
    }

    private static Dictionary<string, List<string>> Evaluate()
    {
        var cases = new JsonArray();
        foreach (var (name, change, _) in Cases)
        {
            var pair = Pairs.Valid();
            change(pair);
            cases.Add(new JsonObject { ["name"] = name, ["object"] = JsonNode.Parse(KubeJson.Serialize(pair)) });
        }

        var input = Path.Combine(Path.GetTempPath(), $"edgeha-cel-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(input, cases.ToJsonString());
            var (exitCode, output) = ProcessRunner.Run(
                "node",
                RepoPaths.Combine("tests", "schema"),
                ["cel-check.mjs", RepoPaths.Combine("crds", CrdGenerator.FileName)],
                stdinFile: input);
            Assert.True(exitCode == 0, output);
            return JsonSerializer.Deserialize<Dictionary<string, List<string>>>(output)!;
        }
        finally
        {
            File.Delete(input);
        }
    }
}
