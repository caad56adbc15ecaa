namespace EdgeHa.Demo.Scenario;

/// <summary>A step could not do what it must; the message says why, for the user.</summary>
public sealed class StepFailedException(string message, Exception? inner = null) : Exception(message, inner);
