using EdgeHa.Kube.Models;

namespace EdgeHa.Controller.Tests;

public class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(1);

    [Fact]
    public void Set_NewCondition_AddedWithNowAsTransitionTime()
    {
        var list = new List<Condition>();

        Assert.True(Conditions.Set(list, "Ready", true, "AllConditionsMet", "ok", 3, T0));

        var c = Assert.Single(list);
        Assert.Equal(("Ready", "True", "AllConditionsMet", "ok", 3L, T0), (c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration!.Value, c.LastTransitionTime));
    }

    [Fact]
    public void Set_SameStatusNewReason_KeepsTransitionTimeUpdatesRest()
    {
        var list = new List<Condition>();
        Conditions.Set(list, "Degraded", false, "Healthy", "", 1, T0);

        Assert.True(Conditions.Set(list, "Degraded", false, "StandbyRecovered", "node-b back", 2, T1));

        var c = Assert.Single(list);
        Assert.Equal(T0, c.LastTransitionTime);
        Assert.Equal("StandbyRecovered", c.Reason);
        Assert.Equal("node-b back", c.Message);
        Assert.Equal(2, c.ObservedGeneration);
    }

    [Fact]
    public void Set_StatusFlips_TransitionTimeMoves()
    {
        var list = new List<Condition>();
        Conditions.Set(list, "Ready", true, "AllConditionsMet", "", 1, T0);

        Conditions.Set(list, "Ready", false, "ActiveUnhealthy", "", 1, T1);

        Assert.Equal(T1, list[0].LastTransitionTime);
        Assert.True(Conditions.IsFalse(list, "Ready"));
    }

    [Fact]
    public void Set_Identical_ReturnsFalse()
    {
        var list = new List<Condition>();
        Conditions.Set(list, "Ready", true, "AllConditionsMet", "m", 1, T0);

        Assert.False(Conditions.Set(list, "Ready", true, "AllConditionsMet", "m", 1, T1));
        Assert.Equal(T0, list[0].LastTransitionTime);
    }

    [Fact]
    public void Set_ExplicitTransitionTime_IsKept()
    {
        var list = new List<Condition>();

        Conditions.Set(list, new Condition { Type = "Ready", Status = "Unknown", Reason = "Starting", LastTransitionTime = T0 }, T1);

        Assert.Equal(T0, list[0].LastTransitionTime);
    }

    [Theory]
    [InlineData("", "True", "Reason")]
    [InlineData("Not Valid", "True", "Reason")]
    [InlineData("Ready", "Yes", "Reason")]
    [InlineData("Ready", "True", "")]
    [InlineData("Ready", "True", "has spaces")]
    [InlineData("Ready", "True", "9StartsWithDigit")]
    public void Set_InvalidCondition_Throws(string type, string status, string reason) =>
        Assert.Throws<ArgumentException>(() => Conditions.Set([], new Condition { Type = type, Status = status, Reason = reason }, T0));

    [Fact]
    public void Set_DomainPrefixedType_IsValid() =>
        Assert.True(Conditions.Set([], new Condition { Type = "edgeha.io/VipAssigned", Status = "True", Reason = "Announced" }, T0));

    [Fact]
    public void FindAndPredicates_MissingType_BehaveAsUnknown()
    {
        var list = new List<Condition>();

        Assert.Null(Conditions.Find(list, "Ready"));
        Assert.False(Conditions.IsTrue(list, "Ready"));
        Assert.False(Conditions.IsFalse(list, "Ready"));
        Assert.True(Conditions.IsUnknown(list, "Ready"));
        Assert.False(Conditions.IsTrue(null, "Ready"));
    }

    [Fact]
    public void Remove_Present_RemovesOnlyThatType()
    {
        var list = new List<Condition>();
        Conditions.Set(list, "Ready", true, "A", "", 1, T0);
        Conditions.Set(list, "Degraded", false, "B", "", 1, T0);

        Assert.True(Conditions.Remove(list, "Ready"));
        Assert.False(Conditions.Remove(list, "Ready"));
        Assert.Equal("Degraded", Assert.Single(list).Type);
    }

    [Theory]
    [InlineData("True", "True", "False", "True", "AllConditionsMet")]
    [InlineData("True", "False", "False", "False", "VipPending")]
    [InlineData("True", "True", "True", "False", "StandbyDown")]
    [InlineData("True", null, "False", "Unknown", "ConditionsUnknown")]
    [InlineData("Unknown", "True", "False", "Unknown", "ConditionsUnknown")]
    public void SetReadySummary_Conditions_SummarizesReady(string specValid, string? vip, string degraded, string expectedStatus, string expectedReason)
    {
        var list = new List<Condition>();
        Conditions.Set(list, new Condition { Type = "SpecValid", Status = specValid, Reason = "Checked" }, T0);
        if (vip is not null)
        {
            Conditions.Set(list, new Condition { Type = "VipAssigned", Status = vip, Reason = vip == "True" ? "Announced" : "VipPending", Message = "waiting" }, T0);
        }

        Conditions.Set(list, new Condition { Type = "Degraded", Status = degraded, Reason = degraded == "True" ? "StandbyDown" : "Healthy" }, T0);

        Conditions.SetReadySummary(list, 5, T1, ["SpecValid", "VipAssigned"], ["Degraded"]);

        var ready = Conditions.Find(list, "Ready")!;
        Assert.Equal(expectedStatus, ready.Status);
        Assert.Equal(expectedReason, ready.Reason);
        Assert.Equal(5, ready.ObservedGeneration);
    }

    [Fact]
    public void SetReadySummary_FalseCondition_MessageNamesIt()
    {
        var list = new List<Condition>();
        Conditions.Set(list, "VipAssigned", false, "VipPending", "no address yet", 1, T0);

        Conditions.SetReadySummary(list, 1, T0, ["VipAssigned"]);

        Assert.Equal("VipAssigned: no address yet", Conditions.Find(list, "Ready")!.Message);
    }
}
