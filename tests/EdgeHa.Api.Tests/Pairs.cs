using System.Text.Json.Nodes;

namespace EdgeHa.Api.Tests;

/// <summary>Known-good pairs that tests change one thing at a time.</summary>
internal static class Pairs
{
    public const string TemplateJson = """
        {
          "metadata": { "labels": { "app": "collector" } },
          "spec": {
            "containers": [
              {
                "name": "collector",
                "image": "ghcr.io/edgeha/collector:0.1.0",
                "ports": [ { "name": "http", "containerPort": 8080 }, { "name": "modbus", "containerPort": 5020 } ]
              }
            ]
          }
        }
        """;

    public static RedundantPair Valid() => new()
    {
        Metadata = new() { Name = "line1-collector", Namespace = "factory" },
        Spec = new RedundantPairSpec
        {
            PrimaryNode = "ipc-a",
            StandbyNode = "ipc-b",
            Template = JsonNode.Parse(TemplateJson)!.AsObject(),
            HealthCheck = new HealthCheckSpec { Http = new HttpHealthCheck { Port = 8080 } },
            Vip = new VipSpec
            {
                Address = "192.168.10.50",
                Provider = VipProvider.MetalLB,
                Ports = [new VipPort { Name = "modbus", Port = 502, TargetPort = 5020 }],
            },
        },
    };
}
