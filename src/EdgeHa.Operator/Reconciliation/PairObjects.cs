using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeHa.Api;
using EdgeHa.Controller;
using EdgeHa.Kube.Models;
using EdgeHa.Kube.Serialization;

namespace EdgeHa.Operator.Reconciliation;

/// <summary>
/// Builds the objects the operator owns for a pair: the per-node Deployments, the VIP Service, the simulator and the
/// pair Lease (the collectors' ServiceAccount, Role and RoleBinding are in <see cref="CollectorAccess"/>).
/// </summary>
public static class PairObjects
{
    /// <summary>The annotation holding a hash of what the operator wrote, so it writes only on change.</summary>
    public const string SpecHashAnnotation = "edgeha.io/spec-hash";

    public const string MetalLbIps = "metallb.io/loadBalancerIPs";
    public const string MetalLbPool = "metallb.io/address-pool";
    public const string KubeVipIps = "kube-vip.io/loadbalancerIPs";
    public const string KubeVipInterface = "kube-vip.io/serviceInterface";
    public const string KubeVipHost = "kube-vip.io/vipHost";

    /// <summary>
    /// The pod-template annotation naming which version of the pair's template a pod runs (a hash of the template as
    /// written for its node), so a rollout can tell an upgraded standby from one still on the old version.
    /// </summary>
    public const string TemplateHashAnnotation = "edgeha.io/template-hash";

    /// <summary>
    /// The collector Deployment for <paramref name="node"/>: the pair's template pinned to the node, or
    /// <paramref name="heldTemplate"/> (the one it runs now) for a side a rollout has not reached yet.
    /// </summary>
    public static Deployment Deployment(RedundantPair pair, string node, int replicas, PodTemplateSpec? heldTemplate = null)
    {
        var name = pair.Metadata.Name!;
        var template = heldTemplate ?? CollectorTemplate(pair, node);
        var deployment = new Deployment
        {
            Metadata = new ObjectMeta
            {
                Name = PairLabels.DeploymentName(name, node),
                Namespace = pair.Metadata.Namespace,
                Labels = new Dictionary<string, string> { [PairLabels.Pair] = name, [PairLabels.Node] = node },
            },
            Spec = new DeploymentSpec
            {
                Replicas = replicas,
                Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { [PairLabels.Pair] = name, [PairLabels.Node] = node } },
                Template = template,
                // One pod per node: never two incarnations side by side on the same node.
                Strategy = JsonSerializer.SerializeToElement(new { type = "Recreate" }),
            },
        };
        OwnerReferences.SetController(pair, deployment);
        Stamp(deployment.Metadata, deployment.Spec.Template);
        return deployment;
    }

    /// <summary>The template hash a pod or Deployment template carries, or null.</summary>
    public static string? TemplateHashOf(PodTemplateSpec? template) =>
        template?.Metadata?.Annotations is { } a && a.TryGetValue(TemplateHashAnnotation, out var h) ? h : null;

    /// <summary>The template hash a pod carries (copied from its Deployment's template), or null.</summary>
    public static string? TemplateHashOf(Pod? pod) =>
        pod?.Metadata.Annotations is { } a && a.TryGetValue(TemplateHashAnnotation, out var h) ? h : null;

    /// <summary>
    /// The version of the pair's template as the user wrote it (spec.template), the same for both nodes: the node's
    /// own templates differ (node name, role), so their hashes do not name a rollout.
    /// </summary>
    public static string TemplateVersion(RedundantPair pair) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KubeJson.Serialize(pair.Spec.Template))))[..16];

    /// <summary>The pair's collector template as written for <paramref name="node"/>, stamped with its hash.</summary>
    public static PodTemplateSpec CollectorTemplate(RedundantPair pair, string node)
    {
        var name = pair.Metadata.Name!;
        var template = KubeJson.Deserialize<PodTemplateSpec>(pair.Spec.Template.ToJsonString());
        template.Metadata ??= new ObjectMeta();
        var labels = template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        labels[PairLabels.Pair] = name;
        labels[PairLabels.Node] = node;
        var spec = template.Spec ??= new PodSpec();

        // The pair's own ServiceAccount (rights on its own Lease only) unless the user named another one. The
        // deprecated alias is folded in, as the API server would, so that it cannot name a different account.
        var named = spec.ServiceAccountName;
        if (spec.Extra?.Remove("serviceAccount", out var alias) == true && string.IsNullOrEmpty(named) && alias.ValueKind == JsonValueKind.String)
        {
            named = alias.GetString();
        }

        spec.ServiceAccountName = CollectorAccess.PodServiceAccount(name, named);
        spec.NodeSelector = new Dictionary<string, string>(spec.NodeSelector ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [PairLabels.Hostname] = node,
        };

        // The operator moves the role itself; the node controller's eviction after 300 s of NotReady must not fight it.
        var tolerations = (spec.Tolerations ?? []).Where(t => t.Key is not ("node.kubernetes.io/not-ready" or "node.kubernetes.io/unreachable")).ToList();
        tolerations.Add(new Toleration { Key = "node.kubernetes.io/not-ready", Operator = "Exists", Effect = "NoExecute" });
        tolerations.Add(new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute" });
        spec.Tolerations = tolerations;

        foreach (var container in spec.Containers)
        {
            InjectEnv(container, pair, node);
        }

        var annotations = template.Metadata.Annotations = new Dictionary<string, string>(template.Metadata.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        annotations.Remove(TemplateHashAnnotation);
        annotations[TemplateHashAnnotation] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KubeJson.Serialize(template))))[..16];
        return template;
    }

    private static void InjectEnv(Container container, RedundantPair pair, string node)
    {
        var env = (container.Env ?? []).Where(e => e.Name is not ("EDGEHA_LEASE_NAMESPACE" or "EDGEHA_LEASE_NAME" or "EDGEHA_PAIR" or "EDGEHA_NODE"
            or "POD_NAME" or "POD_NAMESPACE" or "POD_IP" or "NODE_NAME")).ToList();
        env.Add(new EnvVar { Name = "EDGEHA_LEASE_NAMESPACE", Value = pair.Metadata.Namespace });
        env.Add(new EnvVar { Name = "EDGEHA_LEASE_NAME", Value = PairLabels.LeaseName(pair.Metadata.Name!) });
        env.Add(new EnvVar { Name = "EDGEHA_PAIR", Value = pair.Metadata.Name });
        env.Add(FieldRef("POD_NAME", "metadata.name"));
        env.Add(FieldRef("POD_NAMESPACE", "metadata.namespace"));
        env.Add(FieldRef("POD_IP", "status.podIP"));
        env.Add(FieldRef("NODE_NAME", "spec.nodeName"));
        env.Add(new EnvVar { Name = "EDGEHA_NODE", Value = node });
        container.Env = env;
    }

    private static EnvVar FieldRef(string name, string path) =>
        new() { Name = name, ValueFrom = JsonSerializer.SerializeToElement(new { fieldRef = new { fieldPath = path } }) };

    /// <summary>The VIP Service: selects the pair's active pod; announced as the provider asks.</summary>
    public static Service VipService(RedundantPair pair)
    {
        var name = pair.Metadata.Name!;
        var vip = pair.Spec.Vip!;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (vip.Provider)
        {
            case VipProvider.MetalLB:
                annotations[MetalLbIps] = vip.Address ?? "";
                if (!string.IsNullOrEmpty(vip.Pool))
                {
                    annotations[MetalLbPool] = vip.Pool;
                }

                break;
            case VipProvider.KubeVip:
                annotations[KubeVipIps] = vip.Address ?? "";
                if (!string.IsNullOrEmpty(vip.Interface))
                {
                    annotations[KubeVipInterface] = vip.Interface;
                }

                break;
        }

        var loadBalancer = vip.Provider != VipProvider.None;
        var service = new Service
        {
            Metadata = new ObjectMeta
            {
                Name = PairLabels.VipServiceName(name),
                Namespace = pair.Metadata.Namespace,
                Labels = new Dictionary<string, string> { [PairLabels.Pair] = name },
                Annotations = annotations,
            },
            Spec = new ServiceSpec
            {
                Type = loadBalancer ? "LoadBalancer" : "ClusterIP",
                // Local: only the node with the ready active endpoint announces the address.
                ExternalTrafficPolicy = loadBalancer ? "Local" : null,
                Selector = new Dictionary<string, string> { [PairLabels.Pair] = name, [PairLabels.Role] = PairLabels.RoleActive },
                Ports = vip.Ports.Select(p => new ServicePort
                {
                    Name = p.Name,
                    Port = p.Port,
                    Protocol = p.Protocol.ToString(),
                    TargetPort = new IntOrString(p.TargetPort ?? p.Port),
                }).ToList(),
            },
        };
        OwnerReferences.SetController(pair, service);
        Stamp(service.Metadata, service.Spec);
        return service;
    }

    /// <summary>The simulator Deployment (one Modbus simulator pod, not pinned).</summary>
    public static Deployment SimulatorDeployment(RedundantPair pair, string image)
    {
        var name = pair.Metadata.Name!;
        var sim = pair.Spec.Simulator!;
        var labels = new Dictionary<string, string> { [PairLabels.Pair] = name, [PairLabels.Component] = "simulator" };
        var deployment = new Deployment
        {
            Metadata = new ObjectMeta { Name = PairLabels.SimulatorName(name), Namespace = pair.Metadata.Namespace, Labels = new Dictionary<string, string>(labels) },
            Spec = new DeploymentSpec
            {
                Replicas = 1,
                Selector = new LabelSelector { MatchLabels = new Dictionary<string, string>(labels) },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new PodSpec
                    {
                        Containers =
                        [
                            new Container
                            {
                                Name = "simulator",
                                Image = string.IsNullOrEmpty(sim.Image) ? image : sim.Image,
                                Args = ["--port", sim.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                                Ports = [new ContainerPort { Name = "modbus", Port = sim.Port, Protocol = "TCP" }],
                            },
                        ],
                    },
                },
            },
        };
        OwnerReferences.SetController(pair, deployment);
        Stamp(deployment.Metadata, deployment.Spec.Template);
        return deployment;
    }

    /// <summary>The simulator Service, so collectors reach it by name.</summary>
    public static Service SimulatorService(RedundantPair pair)
    {
        var name = pair.Metadata.Name!;
        var sim = pair.Spec.Simulator!;
        var service = new Service
        {
            Metadata = new ObjectMeta
            {
                Name = PairLabels.SimulatorName(name),
                Namespace = pair.Metadata.Namespace,
                Labels = new Dictionary<string, string> { [PairLabels.Pair] = name, [PairLabels.Component] = "simulator" },
            },
            Spec = new ServiceSpec
            {
                Type = "ClusterIP",
                Selector = new Dictionary<string, string> { [PairLabels.Pair] = name, [PairLabels.Component] = "simulator" },
                Ports = [new ServicePort { Name = "modbus", Port = sim.Port, Protocol = "TCP", TargetPort = new IntOrString(sim.Port) }],
            },
        };
        OwnerReferences.SetController(pair, service);
        Stamp(service.Metadata, service.Spec);
        return service;
    }

    /// <summary>The pair Lease as first created: nobody holds it.</summary>
    /// <param name="pair">The pair.</param>
    /// <param name="terms">The terms of its spec.</param>
    /// <param name="heldUnder">
    /// The longest duration a previous holder may still be acting under (the Lease was deleted): written as its
    /// declared duration, so that the wait for it survives a restart of the operator too.
    /// </param>
    public static Lease PairLease(RedundantPair pair, Fencing.LeaseTerms terms, TimeSpan? heldUnder = null)
    {
        var name = pair.Metadata.Name!;
        var lease = new Lease
        {
            Metadata = new ObjectMeta
            {
                Name = PairLabels.LeaseName(name),
                Namespace = pair.Metadata.Namespace,
                Labels = new Dictionary<string, string> { [PairLabels.Pair] = name },
            },
            Spec = new LeaseSpec { LeaseTransitions = 0 },
        };
        terms.WriteTo(lease);
        PairLeaseGrantor.DeclareHeldUnder(lease, terms, heldUnder);
        if (pair.Status?.Epoch is > 0 and var epoch)
        {
            // A recreated Lease (deleted by hand) remembers the last epoch, so its next grant is above it.
            lease.Metadata.Annotations![Fencing.FencingAnnotations.Epoch] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        OwnerReferences.SetController(pair, lease);
        return lease;
    }

    /// <summary>The hash stamped on an object by <see cref="Stamp"/>, or null.</summary>
    public static string? HashOf(ObjectMeta meta) =>
        meta.Annotations is { } a && a.TryGetValue(SpecHashAnnotation, out var h) ? h : null;

    private static void Stamp(ObjectMeta meta, object? desired)
    {
        var json = KubeJson.Serialize(desired) + "|" + KubeJson.Serialize(meta.Annotations);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        (meta.Annotations ??= new Dictionary<string, string>())[SpecHashAnnotation] = hash;
    }
}
