using Microsoft.Extensions.Logging;

namespace EdgeHa.Sandbox.Nodes;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Node {Node} registered (InternalIP {HostIP})")]
    public static partial void NodeRegistered(ILogger logger, string node, string hostIP);

    [LoggerMessage(2, LogLevel.Warning, "Node {Node} crashed: heartbeats stopped, all pod processes killed")]
    public static partial void NodeCrashed(ILogger logger, string node);

    [LoggerMessage(3, LogLevel.Information, "Node {Node} restored: heartbeats resumed, pods restarting")]
    public static partial void NodeRestored(ILogger logger, string node);

    [LoggerMessage(4, LogLevel.Warning, "Node {Node}: heartbeat failed: {Error}")]
    public static partial void HeartbeatFailed(ILogger logger, string node, string error);

    [LoggerMessage(5, LogLevel.Warning, "Node {Node}: reconcile failed, retrying: {Error}")]
    public static partial void ReconcileFailed(ILogger logger, string node, string error);

    [LoggerMessage(6, LogLevel.Information, "Node {Node}: starting pod {Namespace}/{Pod} on {PodIP}")]
    public static partial void PodStarted(ILogger logger, string node, string @namespace, string pod, string podIP);

    [LoggerMessage(7, LogLevel.Information, "Node {Node}: stopping pod {Namespace}/{Pod}")]
    public static partial void PodStopping(ILogger logger, string node, string @namespace, string pod);

    [LoggerMessage(8, LogLevel.Information, "Node {Node}: created pod {Namespace}/{Pod} for Deployment {Deployment}")]
    public static partial void PodCreated(ILogger logger, string node, string @namespace, string pod, string deployment);

    [LoggerMessage(9, LogLevel.Information, "Node {Node}: deleting pod {Namespace}/{Pod}: {Why}")]
    public static partial void PodDeleting(ILogger logger, string node, string @namespace, string pod, string why);

    [LoggerMessage(10, LogLevel.Warning, "Pod {Namespace}/{Pod}: status update failed: {Error}")]
    public static partial void PodStatusFailed(ILogger logger, string @namespace, string pod, string error);

    [LoggerMessage(11, LogLevel.Information, "Pod {Namespace}/{Pod}: container {Container} started as pid {Pid} on {PodIP}")]
    public static partial void ContainerStarted(ILogger logger, string @namespace, string pod, string container, int pid, string podIP);

    [LoggerMessage(12, LogLevel.Warning, "Pod {Namespace}/{Pod}: container {Container} could not start ({Reason}): {Message}")]
    public static partial void ContainerStartFailed(ILogger logger, string @namespace, string pod, string container, string reason, string message);

    [LoggerMessage(13, LogLevel.Warning, "Pod {Namespace}/{Pod}: container {Container} exited with code {ExitCode}; restarting with backoff")]
    public static partial void ContainerExited(ILogger logger, string @namespace, string pod, string container, int exitCode);

    [LoggerMessage(14, LogLevel.Warning, "Pod {Namespace}/{Pod}: container loops did not stop in time")]
    public static partial void ContainerLoopHung(ILogger logger, string @namespace, string pod);

    [LoggerMessage(15, LogLevel.Warning, "A state-change callback threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Debug, "{Kind} watch expired (410 Gone); relisting")]
    public static partial void InformerRelist(ILogger logger, string kind);

    [LoggerMessage(17, LogLevel.Warning, "{Kind} list/watch failed, retrying: {Error}")]
    public static partial void InformerFailed(ILogger logger, string kind, string error);

    [LoggerMessage(18, LogLevel.Warning, "Node lifecycle: node {Node} could not be updated: {Error}")]
    public static partial void LifecycleFailed(ILogger logger, string node, string error);

    [LoggerMessage(19, LogLevel.Warning, "Node lifecycle: node {Node} lease not renewed for {GraceSeconds} s: Ready=Unknown (NodeStatusUnknown), tainted unreachable")]
    public static partial void NodeUnknown(ILogger logger, string node, double graceSeconds);

    [LoggerMessage(20, LogLevel.Information, "Node lifecycle: node {Node} is Ready again; unreachable taints removed")]
    public static partial void NodeReachable(ILogger logger, string node);

    [LoggerMessage(21, LogLevel.Information, "Load balancer: VIP {Vip} is served on loopback {Loopback}")]
    public static partial void VipMapped(ILogger logger, string vip, string loopback);

    [LoggerMessage(22, LogLevel.Information, "Load balancer: {Vip}:{Port} listening on {Endpoint} for service {Service}")]
    public static partial void VipServing(ILogger logger, string vip, int port, string endpoint, string service);

    [LoggerMessage(23, LogLevel.Information, "Load balancer: {Vip}:{Port} now forwards to {Backend} (pod {Pod})")]
    public static partial void BackendChanged(ILogger logger, string vip, int port, string backend, string pod);

    [LoggerMessage(24, LogLevel.Information, "Load balancer: service {Service} announced from node {Node}")]
    public static partial void Announcing(ILogger logger, string service, string node);

    [LoggerMessage(25, LogLevel.Warning, "Load balancer: {Vip}:{Port} of service {Service} is already served for {Other}; ignored")]
    public static partial void VipPortTaken(ILogger logger, string vip, int port, string service, string other);

    [LoggerMessage(26, LogLevel.Warning, "Load balancer: cannot listen for {Vip}:{Port} on {Loopback}: {Error}")]
    public static partial void ListenFailed(ILogger logger, string vip, int port, string loopback, string error);

    [LoggerMessage(27, LogLevel.Warning, "Load balancer: reconcile failed, retrying: {Error}")]
    public static partial void LoadBalancerFailed(ILogger logger, string error);

    [LoggerMessage(28, LogLevel.Warning, "Load balancer: event for service {Service} not recorded: {Error}")]
    public static partial void EventFailed(ILogger logger, string service, string error);

    [LoggerMessage(29, LogLevel.Debug, "Load balancer: connection {Endpoint} -> {Backend} ended: {Reason}")]
    public static partial void ForwardEnded(ILogger logger, string endpoint, string backend, string reason);

    [LoggerMessage(30, LogLevel.Information, "Sandbox cluster up: nodes {Nodes}, lifecycle grace {GraceSeconds} s")]
    public static partial void ClusterStarted(ILogger logger, string nodes, double graceSeconds);

    [LoggerMessage(31, LogLevel.Warning, "Power switch: node {Node} switched {State} through its Node annotation")]
    public static partial void PowerSwitch(ILogger logger, string node, string state);
}
