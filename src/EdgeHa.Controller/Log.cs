using Microsoft.Extensions.Logging;

namespace EdgeHa.Controller;

/// <summary>Source-generated log messages of the controller runtime.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Warning, "Informer {Informer}: list failed (attempt {Attempt})")]
    public static partial void ListFailed(ILogger logger, string informer, int attempt, Exception exception);

    [LoggerMessage(1002, LogLevel.Debug, "Informer {Informer}: listed {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string informer, int count, string resourceVersion);

    [LoggerMessage(1003, LogLevel.Debug, "Informer {Informer}: watch closed at resourceVersion {ResourceVersion}; re-watching")]
    public static partial void WatchClosed(ILogger logger, string informer, string resourceVersion);

    [LoggerMessage(1004, LogLevel.Information, "Informer {Informer}: resourceVersion {ResourceVersion} expired (410 Gone); relisting")]
    public static partial void WatchExpired(ILogger logger, string informer, string resourceVersion);

    [LoggerMessage(1005, LogLevel.Warning, "Informer {Informer}: watch from resourceVersion {ResourceVersion} failed (attempt {Attempt})")]
    public static partial void WatchFailed(ILogger logger, string informer, string resourceVersion, int attempt, Exception exception);

    [LoggerMessage(1006, LogLevel.Error, "Informer {Informer}: an event handler threw")]
    public static partial void HandlerFailed(ILogger logger, string informer, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Informer {Informer}: ignored an object without metadata.name")]
    public static partial void ObjectWithoutName(ILogger logger, string informer);

    [LoggerMessage(2001, LogLevel.Information, "Controller {Controller}: starting {Workers} workers")]
    public static partial void ControllerStarting(ILogger logger, string controller, int workers);

    [LoggerMessage(2002, LogLevel.Information, "Controller {Controller}: stopping, waiting for {InFlight} in-flight reconciles")]
    public static partial void ControllerStopping(ILogger logger, string controller, int inFlight);

    [LoggerMessage(2003, LogLevel.Information, "Controller {Controller}: stopped")]
    public static partial void ControllerStopped(ILogger logger, string controller);

    [LoggerMessage(2004, LogLevel.Warning, "Controller {Controller}: shutdown timed out; abandoning {InFlight} reconciles")]
    public static partial void ControllerAbandonedWorkers(ILogger logger, string controller, int inFlight);

    [LoggerMessage(2005, LogLevel.Debug, "Controller {Controller}: reconcile of {Key} cancelled by shutdown")]
    public static partial void ReconcileCancelled(ILogger logger, string controller, string key);

    [LoggerMessage(2006, LogLevel.Error, "Controller {Controller}: reconcile of {Key} failed terminally; not retrying")]
    public static partial void ReconcileTerminal(ILogger logger, string controller, string key, Exception exception);

    [LoggerMessage(2007, LogLevel.Warning, "Controller {Controller}: reconcile of {Key} failed (retry {Retries}); requeued with backoff")]
    public static partial void ReconcileFailed(ILogger logger, string controller, string key, int retries, Exception exception);

    [LoggerMessage(3001, LogLevel.Information, "Leader election: {Identity} campaigning for lease {Lease}")]
    public static partial void Campaigning(ILogger logger, string identity, string lease);

    [LoggerMessage(3002, LogLevel.Information, "Leader election: {Identity} acquired lease {Lease}; started leading")]
    public static partial void StartedLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(3003, LogLevel.Information, "Leader election: {Identity} stopped leading lease {Lease}")]
    public static partial void StoppedLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(3004, LogLevel.Warning, "Leader election: {Identity} could not renew lease {Lease} within {DeadlineMs} ms; giving it up")]
    public static partial void RenewFailed(ILogger logger, string identity, string lease, double deadlineMs);

    [LoggerMessage(3005, LogLevel.Debug, "Leader election: fast renew of {Lease} failed ({Reason}); re-reading")]
    public static partial void FastRenewFailed(ILogger logger, string lease, string reason);

    [LoggerMessage(3006, LogLevel.Debug, "Leader election: attempt on {Lease} failed: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string lease, string reason);

    [LoggerMessage(3007, LogLevel.Information, "Leader election: new leader {Leader} of lease {Lease}")]
    public static partial void NewLeader(ILogger logger, string leader, string lease);

    [LoggerMessage(3008, LogLevel.Information, "Leader election: {Identity} released lease {Lease}")]
    public static partial void Released(ILogger logger, string identity, string lease);

    [LoggerMessage(3009, LogLevel.Warning, "Leader election: releasing lease {Lease} failed: {Reason}")]
    public static partial void ReleaseFailed(ILogger logger, string lease, string reason);

    [LoggerMessage(3010, LogLevel.Error, "Leader election: callback {Callback} threw")]
    public static partial void CallbackFailed(ILogger logger, string callback, Exception exception);

    [LoggerMessage(4001, LogLevel.Warning, "Event {Reason} about {Regarding} could not be written: {Error}")]
    public static partial void EventWriteFailed(ILogger logger, string reason, string regarding, string error);
}
