using System.ComponentModel;
using System.Reflection;
using EdgeHa.Api.Schema;
using EdgeHa.Api.Validation;

namespace EdgeHa.Api.Tests.Validation;

public sealed class RedundantPairDefaultsTests
{
    [Fact]
    public void Apply_EmptySpec_FillsTheContractDefaults()
    {
        var spec = RedundantPairDefaults.Apply(new RedundantPairSpec());

        Assert.Equal(StandbyMode.Cold, spec.StandbyMode);
        Assert.Equal(8080, spec.HealthCheck.Http!.Port);
        Assert.Equal("/healthz", spec.HealthCheck.Http.Path);
        Assert.Equal(HttpScheme.HTTP, spec.HealthCheck.Http.Scheme);
        Assert.Equal((1000, 3000, 3, 1), (spec.HealthCheck.PeriodMilliseconds, spec.HealthCheck.TimeoutMilliseconds, spec.HealthCheck.FailureThreshold, spec.HealthCheck.SuccessThreshold));
        Assert.Equal((0, FailbackMode.Automatic, 30, 5), (spec.Failover.DelayMilliseconds, spec.Failover.Failback, spec.Failover.FailbackStabilizationSeconds, spec.Failover.StartupGraceSeconds));
        Assert.Equal((3000, 1000, 500), (spec.Fencing.LeaseDurationMilliseconds, spec.Fencing.RenewIntervalMilliseconds, spec.Fencing.ClockSkewMarginMilliseconds));
        Assert.Equal(15, spec.NodeHealth.NodeLeaseStaleSeconds);
        Assert.Null(spec.Vip);
        Assert.Null(spec.Simulator);
        Assert.False(spec.Paused);
    }

    [Fact]
    public void Apply_ExplicitNullSections_ReplacesThemWithDefaults()
    {
        var spec = new RedundantPairSpec { HealthCheck = null!, Failover = null!, Fencing = null!, NodeHealth = null!, Template = null! };

        RedundantPairDefaults.Apply(spec);

        Assert.NotNull(spec.HealthCheck.Http);
        Assert.Equal(30, spec.Failover.FailbackStabilizationSeconds);
        Assert.Equal(3000, spec.Fencing.LeaseDurationMilliseconds);
        Assert.Equal(15, spec.NodeHealth.NodeLeaseStaleSeconds);
        Assert.NotNull(spec.Template);
    }

    [Fact]
    public void Apply_TcpProbe_KeepsItAndAddsNoHttp()
    {
        var spec = new RedundantPairSpec { HealthCheck = new HealthCheckSpec { Tcp = new TcpHealthCheck { Port = 502 } } };

        RedundantPairDefaults.Apply(spec);

        Assert.Null(spec.HealthCheck.Http);
        Assert.Equal(502, spec.HealthCheck.Tcp!.Port);
    }

    [Fact]
    public void Apply_VipPortWithoutTargetPort_TargetsThePort()
    {
        var spec = new RedundantPairSpec
        {
            Vip = new VipSpec { Ports = [new VipPort { Name = "modbus", Port = 502 }, new VipPort { Name = "http", Port = 80, TargetPort = 8080 }] },
        };

        RedundantPairDefaults.Apply(spec);

        Assert.Equal([502, 8080], spec.Vip.Ports.Select(p => p.TargetPort!.Value));
    }

    [Fact]
    public void Apply_Twice_IsIdempotent()
    {
        var once = RedundantPairDefaults.Apply(Pairs.Valid().Spec);
        var onceJson = EdgeHa.Kube.Serialization.KubeJson.Serialize(once);

        var twiceJson = EdgeHa.Kube.Serialization.KubeJson.Serialize(RedundantPairDefaults.Apply(once));

        Assert.Equal(onceJson, twiceJson);
    }

    public static TheoryData<string> DefaultedProperties()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(RedundantPairSpec).Assembly.GetTypes().Where(t => t.Namespace == "EdgeHa.Api" && t.IsClass && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            foreach (var property in SchemaGenerator.JsonProperties(type).Where(p => p.GetCustomAttribute<DefaultValueAttribute>() is not null))
            {
                data.Add(type.Name + "." + property.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DefaultedProperties))]
    public void Initializer_OfDefaultedProperty_EqualsTheCrdDefault(string member)
    {
        var type = typeof(RedundantPairSpec).Assembly.GetTypes().Single(t => t.Namespace == "EdgeHa.Api" && t.Name == member.Split('.')[0]);
        var property = type.GetProperty(member.Split('.')[1])!;

        var initial = property.GetValue(Activator.CreateInstance(type));

        Assert.Equal(property.GetCustomAttribute<DefaultValueAttribute>()!.Value, initial);
    }
}
