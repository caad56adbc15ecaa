using System.Text.Json.Nodes;
using EdgeHa.Api.Validation;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Api.Tests;

public sealed class RedundantPairTests
{
    private const string FullPairJson = """
        {
          "apiVersion": "edgeha.io/v1alpha1",
          "kind": "RedundantPair",
          "metadata": { "name": "line1", "namespace": "factory", "generation": 3, "labels": { "plant": "north" } },
          "spec": {
            "primaryNode": "ipc-a",
            "standbyNode": "ipc-b",
            "standbyMode": "Hot",
            "template": { "metadata": { "labels": { "app": "c" } }, "spec": { "containers": [ { "name": "c", "image": "i:1", "futureField": { "x": [1, 2] } } ] } },
            "healthCheck": {
              "modbus": { "port": 5020, "unitId": 7, "table": "Holding", "address": 100 },
              "periodMilliseconds": 500, "timeoutMilliseconds": 1500, "failureThreshold": 3, "successThreshold": 2
            },
            "failover": { "delayMilliseconds": 250, "failback": "Manual", "failbackStabilizationSeconds": 60, "startupGraceSeconds": 10, "joinTimeoutSeconds": 120, "progressDeadlineSeconds": 600, "switchoverTo": "ipc-b" },
            "fencing": { "leaseDurationMilliseconds": 3000, "renewIntervalMilliseconds": 1000, "clockSkewMarginMilliseconds": 500 },
            "nodeHealth": { "nodeLeaseStaleSeconds": 20 },
            "vip": { "address": "fd00::50", "provider": "KubeVip", "ports": [ { "name": "modbus", "port": 502, "targetPort": 5020, "protocol": "TCP" } ], "interface": "eth0" },
            "simulator": { "enabled": true, "image": "sim:1", "port": 5020, "checkPeriodSeconds": 5, "sequenceAddress": 3 },
            "paused": false,
            "fieldFromANewerVersion": { "kept": true }
          },
          "status": {
            "observedGeneration": 3,
            "phase": "FailingOver",
            "activeNode": "ipc-b",
            "epoch": 9007199254740993,
            "failoverCount": 2,
            "predictedFailoverMilliseconds": 4250,
            "nodes": [ { "name": "ipc-a", "role": "Stopped", "ready": false, "healthy": false, "consecutiveFailures": 3, "lastProbeTime": "2026-11-22T01:00:00Z", "message": "probe timed out" } ],
            "lastTransition": { "time": "2026-11-22T01:00:01.250000Z", "reason": "ProbeFailed", "from": "ipc-a", "to": "ipc-b", "detectionMilliseconds": 3000, "switchMilliseconds": 420 },
            "vip": { "address": "fd00::50", "announcedBy": "ipc-b", "provider": "KubeVip" },
            "switchover": { "requestedTo": "ipc-b", "acknowledgedAt": "2026-11-22T00:59:00Z", "result": "Succeeded" },
            "conditions": [ { "type": "Ready", "status": "False", "observedGeneration": 3, "lastTransitionTime": "2026-11-22T01:00:00Z", "reason": "FailingOver", "message": "switching" } ],
            "statusFieldFromANewerVersion": 1
          },
          "unknownTopLevel": { "kept": true }
        }
        """;

    [Fact]
    public void KubeJson_FullPair_RoundTripsUnchanged()
    {
        var pair = KubeJson.Deserialize<RedundantPair>(FullPairJson);

        var json = KubeJson.Serialize(pair);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(FullPairJson), JsonNode.Parse(json)), json);
        Assert.Equal(StandbyMode.Hot, pair.Spec.StandbyMode);
        Assert.Equal(ModbusTable.Holding, pair.Spec.HealthCheck.Modbus!.Table);
        Assert.Equal(9007199254740993L, pair.Status!.Epoch);
        Assert.Equal(PairPhase.FailingOver, pair.Status.Phase);
    }

    [Fact]
    public void KubeJson_MinimalPair_GetsTheInitializerDefaults()
    {
        var pair = KubeJson.Deserialize<RedundantPair>("""{"spec":{"primaryNode":"a","standbyNode":"b","template":{}}}""");

        Assert.Equal(1000, pair.Spec.HealthCheck.PeriodMilliseconds);
        Assert.Equal(FailbackMode.Automatic, pair.Spec.Failover.Failback);
        Assert.Null(pair.Status);
        Assert.DoesNotContain("\"status\"", KubeJson.Serialize(pair), StringComparison.Ordinal);
    }

    [Fact]
    public void KubeJson_Enums_AreWrittenAsTheirNames()
    {
        var pair = Pairs.Valid();
        pair.Spec.StandbyMode = StandbyMode.Hot;

        var spec = JsonNode.Parse(KubeJson.Serialize(pair))!["spec"]!;

        Assert.Equal("Hot", (string?)spec["standbyMode"]);
        Assert.Equal("MetalLB", (string?)spec["vip"]!["provider"]);
        Assert.Equal("HTTP", (string?)spec["healthCheck"]!["http"]!["scheme"]);
    }

    [Fact]
    public void Constructor_SetsApiVersionAndKind()
    {
        var pair = new RedundantPair();

        Assert.Equal("edgeha.io/v1alpha1", pair.ApiVersion);
        Assert.Equal("RedundantPair", pair.Kind);
    }

    [Fact]
    public void Sample_IsAHotStandbyWithSimulatorThatPassesValidation()
    {
        var json = YamlToJson.FromFile(RepoPaths.Combine("config", "samples", "edgeha_v1alpha1_redundantpair.yaml"))!.ToJsonString();

        var pair = KubeJson.Deserialize<RedundantPair>(json);
        RedundantPairDefaults.Apply(pair.Spec);

        Assert.Equal(RedundantPair.GroupVersion, pair.ApiVersion);
        Assert.Equal(StandbyMode.Hot, pair.Spec.StandbyMode);
        Assert.True(pair.Spec.Simulator?.Enabled);
        Assert.True(pair.Spec.Vip is null || pair.Spec.Vip.Provider == VipProvider.None);
        Assert.Empty(RedundantPairValidator.Validate(pair));
    }
}
