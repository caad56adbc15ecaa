namespace EdgeHa.Demo.Measurement;

/// <summary>One criterion of the verdict.</summary>
/// <param name="Name">What is checked.</param>
/// <param name="Passed">Whether it held; null when it is reported, not required.</param>
/// <param name="Detail">The numbers behind it.</param>
public sealed record VerdictCheck(string Name, bool? Passed, string Detail);
