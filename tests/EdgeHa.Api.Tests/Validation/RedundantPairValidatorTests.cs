using System.Text.Json.Nodes;
using EdgeHa.Api.Validation;

namespace EdgeHa.Api.Tests.Validation;

public sealed class RedundantPairValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, Action<RedundantPair>, string> InvalidPairs => new()
    {
        { "no spec", p => p.Spec = null!, "spec: is required" },
        { "pair name too long", p => p.Metadata.Name = new string('p', 64), "metadata.name: is 64 characters long; at most 63 allowed because it becomes the edgeha.io/pair label value" },
        { "primary missing", p => p.Spec.PrimaryNode = "", "spec.primaryNode: is required" },
        {
            "primary not DNS-1123", p => p.Spec.PrimaryNode = "IPC_A",
            "spec.primaryNode: \"IPC_A\" is not a valid node name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (DNS-1123 subdomain)"
        },
        { "standby too long", p => p.Spec.StandbyNode = new string('b', 254), "spec.standbyNode: is 254 characters long; at most 253 allowed" },
        { "same nodes", p => p.Spec.StandbyNode = "ipc-a", "spec.standbyNode: \"ipc-a\" is the same as primaryNode; the two nodes must differ" },
        { "undefined standby mode", p => p.Spec.StandbyMode = (StandbyMode)9, "spec.standbyMode: 9 is not one of Cold, Hot" },
        { "template without spec", p => p.Spec.Template = new JsonObject(), "spec.template.spec: is required; the pod template needs a spec with at least one container" },
        {
            "template without containers", p => p.Spec.Template["spec"] = new JsonObject { ["containers"] = new JsonArray() },
            "spec.template.spec.containers: the pod template has no containers; add at least one"
        },
        { "container without image", p => p.Spec.Template["spec"]!["containers"]![0]!.AsObject().Remove("image"), "spec.template.spec.containers[0].image: is required" },
        {
            "template pins nodeName", p => p.Spec.Template["spec"]!["nodeName"] = "ipc-a",
            "spec.template.spec.nodeName: must not be set; the operator pins each node's Deployment with a node selector"
        },
        { "two probe kinds", p => p.Spec.HealthCheck.Tcp = new TcpHealthCheck { Port = 8080 }, "spec.healthCheck: sets http, tcp; set only one of http, tcp or modbus" },
        {
            "period too short",
            p => { p.Spec.HealthCheck.PeriodMilliseconds = 50; p.Spec.HealthCheck.TimeoutMilliseconds = 100; },
            "spec.healthCheck.periodMilliseconds: 50 is out of range; allowed 100..60000"
        },
        {
            "timeout beyond the detection budget", p => p.Spec.HealthCheck.TimeoutMilliseconds = 5000,
            "spec.healthCheck.timeoutMilliseconds: 5000 exceeds periodMilliseconds x failureThreshold (3000); set it to at most 3000"
        },
        { "failure threshold too high", p => p.Spec.HealthCheck.FailureThreshold = 11, "spec.healthCheck.failureThreshold: 11 is out of range; allowed 1..10" },
        { "success threshold zero", p => p.Spec.HealthCheck.SuccessThreshold = 0, "spec.healthCheck.successThreshold: 0 is out of range; allowed 1..10" },
        { "http port zero", p => p.Spec.HealthCheck.Http!.Port = 0, "spec.healthCheck.http.port: 0 is out of range; allowed 1..65535" },
        {
            "http path relative", p => p.Spec.HealthCheck.Http!.Path = "healthz",
            "spec.healthCheck.http.path: \"healthz\" is not a valid path; it must start with '/' and contain no whitespace"
        },
        { "undefined scheme", p => p.Spec.HealthCheck.Http!.Scheme = (HttpScheme)7, "spec.healthCheck.http.scheme: 7 is not one of HTTP, HTTPS" },
        {
            "probe port not exposed", p => p.Spec.HealthCheck.Http!.Port = 9090,
            "spec.healthCheck.http.port: 9090 is not a containerPort of the pod template (declared: 5020, 8080); use one of them or declare it in the template"
        },
        {
            "modbus unit id too high",
            p => { p.Spec.HealthCheck.Http = null; p.Spec.HealthCheck.Modbus = new ModbusHealthCheck { UnitId = 256 }; },
            "spec.healthCheck.modbus.unitId: 256 is out of range; allowed 0..255"
        },
        { "negative failover delay", p => p.Spec.Failover.DelayMilliseconds = -1, "spec.failover.delayMilliseconds: -1 is out of range; allowed 0..60000" },
        { "stabilization too long", p => p.Spec.Failover.FailbackStabilizationSeconds = 3601, "spec.failover.failbackStabilizationSeconds: 3601 is out of range; allowed 0..3600" },
        {
            "switchover to a third node", p => p.Spec.Failover.SwitchoverTo = "ipc-c",
            "spec.failover.switchoverTo: \"ipc-c\" is not one of the pair's nodes; set it to \"ipc-a\" or \"ipc-b\""
        },
        {
            "renew not below lease", p => p.Spec.Fencing.RenewIntervalMilliseconds = 3000,
            "spec.fencing.renewIntervalMilliseconds: 3000 is not less than leaseDurationMilliseconds - clockSkewMarginMilliseconds (3000 - 500 = 2500), the holder's acting window; set it below 2500, typically a third of leaseDurationMilliseconds"
        },
        {
            "renew fills the acting window", p => p.Spec.Fencing.RenewIntervalMilliseconds = 2500,
            "spec.fencing.renewIntervalMilliseconds: 2500 is not less than leaseDurationMilliseconds - clockSkewMarginMilliseconds (3000 - 500 = 2500), the holder's acting window; set it below 2500, typically a third of leaseDurationMilliseconds"
        },
        {
            "request timeout leaves no second try", p => p.Spec.Fencing.RequestTimeoutMilliseconds = 750,
            "spec.fencing.requestTimeoutMilliseconds: renewIntervalMilliseconds + 2 x requestTimeoutMilliseconds (1000 + 2 x 750) is not less than the acting window leaseDurationMilliseconds - clockSkewMarginMilliseconds (2500); set it below 749 or leave it unset"
        },
        {
            "lease too short", p => { p.Spec.Fencing.LeaseDurationMilliseconds = 400; p.Spec.Fencing.RenewIntervalMilliseconds = 100; },
            "spec.fencing.leaseDurationMilliseconds: 400 is out of range; allowed 500..60000"
        },
        { "node lease stale too soon", p => p.Spec.NodeHealth.NodeLeaseStaleSeconds = 4, "spec.nodeHealth.nodeLeaseStaleSeconds: 4 is out of range; allowed 5..300" },
        {
            "vip address missing", p => p.Spec.Vip!.Address = null,
            "spec.vip.address: is required when provider is MetalLB; set the virtual IPv4 or IPv6 address"
        },
        {
            "vip address truncated", p => p.Spec.Vip!.Address = "192.168.10",
            "spec.vip.address: \"192.168.10\" is not an IPv4 or IPv6 address; use a literal such as 192.168.10.50 or fd00::50"
        },
        {
            "vip address with zone", p => p.Spec.Vip!.Address = "fe80::1%eth0",
            "spec.vip.address: \"fe80::1%eth0\" is not an IPv4 or IPv6 address; use a literal such as 192.168.10.50 or fd00::50"
        },
        {
            "vip address multicast", p => p.Spec.Vip!.Address = "224.0.0.18",
            "spec.vip.address: 224.0.0.18 is not usable as a virtual IP (unspecified, loopback, multicast or broadcast); use a unicast address"
        },
        {
            "vip address loopback v6", p => p.Spec.Vip!.Address = "::1",
            "spec.vip.address: ::1 is not usable as a virtual IP (unspecified, loopback, multicast or broadcast); use a unicast address"
        },
        {
            "pool with kube-vip", p => { p.Spec.Vip!.Provider = VipProvider.KubeVip; p.Spec.Vip.Pool = "plant"; },
            "spec.vip.pool: applies only to provider MetalLB (provider is KubeVip); remove it or change the provider"
        },
        {
            "interface with MetalLB", p => p.Spec.Vip!.Interface = "eth0",
            "spec.vip.interface: applies only to provider KubeVip (provider is MetalLB); remove it or change the provider"
        },
        { "no vip ports", p => p.Spec.Vip!.Ports.Clear(), "spec.vip.ports: has 0 entries; at least 1 required" },
        {
            "duplicate port name", p => p.Spec.Vip!.Ports.Add(new VipPort { Name = "modbus", Port = 503 }),
            "spec.vip.ports[1].name: \"modbus\" is used by ports[0]; port names must be unique"
        },
        {
            "duplicate port and protocol", p => p.Spec.Vip!.Ports.Add(new VipPort { Name = "modbus-2", Port = 502 }),
            "spec.vip.ports[1].port: 502/TCP is used by ports[0]; each port and protocol may appear once"
        },
        {
            "port name not DNS-1123 label", p => p.Spec.Vip!.Ports[0].Name = "Modbus_TCP",
            "spec.vip.ports[0].name: \"Modbus_TCP\" is not a valid name; use lower-case letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)"
        },
        { "target port too high", p => p.Spec.Vip!.Ports[0].TargetPort = 70000, "spec.vip.ports[0].targetPort: 70000 is out of range; allowed 1..65535" },
        {
            "simulator check period zero", p => p.Spec.Simulator = new SimulatorSpec { Enabled = true, CheckPeriodSeconds = 0 },
            "spec.simulator.checkPeriodSeconds: 0 is out of range; allowed 1..3600"
        },
        {
            "simulator image with a space", p => p.Spec.Simulator = new SimulatorSpec { Enabled = true, Image = "edgeha/simulator latest" },
            "spec.simulator.image: \"edgeha/simulator latest\" is not a valid image reference; it must not contain whitespace"
        },
        {
            "simulator sequence address too high", p => p.Spec.Simulator = new SimulatorSpec { SequenceAddress = 65536 },
            "spec.simulator.sequenceAddress: 65536 is out of range; allowed 0..65535"
        },
    };

    public static TheoryData<string, Action<RedundantPair>> ValidVariants => new()
    {
        { "as built", _ => { } },
        { "IPv6 VIP", p => p.Spec.Vip!.Address = "fd00:10::50" },
        { "plain Service without address", p => { p.Spec.Vip!.Provider = VipProvider.None; p.Spec.Vip.Address = null; } },
        { "kube-vip with interface", p => { p.Spec.Vip!.Provider = VipProvider.KubeVip; p.Spec.Vip.Interface = "enp3s0"; } },
        { "no VIP", p => p.Spec.Vip = null },
        { "no probe kind (defaults to http 8080)", p => p.Spec.HealthCheck.Http = null },
        { "tcp probe on a declared port", p => { p.Spec.HealthCheck.Http = null; p.Spec.HealthCheck.Tcp = new TcpHealthCheck { Port = 5020 }; } },
        { "probe port when the template declares none", p => { p.Spec.Template["spec"]!["containers"]![0]!.AsObject().Remove("ports"); p.Spec.HealthCheck.Http!.Port = 9090; } },
        { "timeout equal to the budget", p => p.Spec.HealthCheck.TimeoutMilliseconds = 3000 },
        { "switchover to the standby", p => p.Spec.Failover.SwitchoverTo = "ipc-b" },
        { "cleared switchover request", p => p.Spec.Failover.SwitchoverTo = "" },
        { "same port number over UDP", p => p.Spec.Vip!.Ports.Add(new VipPort { Name = "modbus-udp", Port = 502, Protocol = PortProtocol.UDP }) },
        { "hot standby with simulator", p => { p.Spec.StandbyMode = StandbyMode.Hot; p.Spec.Simulator = new SimulatorSpec { Enabled = true }; } },
    };

    [Theory]
    [MemberData(nameof(InvalidPairs))]
    public void Validate_InvalidPair_ReportsExactlyOneErrorWithFieldAndRemedy(string scenario, Action<RedundantPair> breakIt, string expected)
    {
        var pair = Pairs.Valid();
        breakIt(pair);

        var errors = RedundantPairValidator.Validate(pair);

        Assert.True(errors.Count == 1, $"{scenario}: expected one error, got: {string.Join(" | ", errors)}");
        Assert.Equal(expected, errors[0].ToString());
    }

    [Fact]
    public void Validate_InvalidPairs_AreAtLeastTwentyDistinctMessages()
    {
        var messages = InvalidPairs.Select(row => (string)row[2]).Distinct().Count();

        Assert.True(messages >= 20, $"{messages} distinct messages");
    }

    [Theory]
    [MemberData(nameof(ValidVariants))]
    public void Validate_ValidPair_ReportsNothing(string scenario, Action<RedundantPair> change)
    {
        var pair = Pairs.Valid();
        change(pair);

        var errors = RedundantPairValidator.Validate(pair);

        Assert.True(errors.Count == 0, $"{scenario}: {string.Join(" | ", errors)}");
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsAllInFieldOrder()
    {
        var pair = Pairs.Valid();
        pair.Spec.StandbyNode = "ipc-a";
        pair.Spec.HealthCheck.TimeoutMilliseconds = 5000;
        pair.Spec.Vip!.Address = "10.0.0.256";

        var paths = RedundantPairValidator.Validate(pair).Select(e => e.Path);

        Assert.Equal(["spec.vip.address", "spec.standbyNode", "spec.healthCheck.timeoutMilliseconds"], paths);
    }

    [Fact]
    public void SpecValidCondition_Errors_IsFalseWithInvalidSpecAndJoinedMessage()
    {
        var errors = new[] { new ValidationError("spec.a", "is wrong"), new ValidationError("spec.b", "is worse") };

        var condition = RedundantPairValidator.SpecValidCondition(errors, observedGeneration: 4, Now);

        Assert.Equal("SpecValid", condition.Type);
        Assert.Equal("False", condition.Status);
        Assert.Equal("InvalidSpec", condition.Reason);
        Assert.Equal("spec.a: is wrong; spec.b: is worse", condition.Message);
        Assert.Equal(4, condition.ObservedGeneration);
        Assert.Equal(Now, condition.LastTransitionTime);
    }

    [Fact]
    public void SpecValidCondition_NoErrors_IsTrueWithReasonValid()
    {
        var condition = RedundantPairValidator.SpecValidCondition([], observedGeneration: 1, Now);

        Assert.Equal("True", condition.Status);
        Assert.Equal("Valid", condition.Reason);
        Assert.NotEmpty(condition.Message);
    }

    [Fact]
    public void SpecValidCondition_HugeMessage_IsCappedAtTheConditionLimit()
    {
        var errors = Enumerable.Range(0, 2000).Select(i => new ValidationError($"spec.f{i}", new string('x', 30))).ToList();

        var condition = RedundantPairValidator.SpecValidCondition(errors, 1, Now);

        Assert.Equal(32768, condition.Message.Length);
        Assert.EndsWith("...", condition.Message, StringComparison.Ordinal);
    }
}
