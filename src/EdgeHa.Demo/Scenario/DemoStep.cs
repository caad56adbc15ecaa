namespace EdgeHa.Demo.Scenario;

/// <summary>One step of the script: a name for the user, a time limit, and what it does.</summary>
public sealed record DemoStep(string Name, TimeSpan Timeout, Func<StepContext, Task> Run);

/// <summary>How a step ended.</summary>
/// <param name="Name">The step.</param>
/// <param name="Succeeded">True when it did what it must.</param>
/// <param name="Took">How long it ran.</param>
/// <param name="Error">Why it failed.</param>
public sealed record StepResult(string Name, bool Succeeded, TimeSpan Took, string? Error);
