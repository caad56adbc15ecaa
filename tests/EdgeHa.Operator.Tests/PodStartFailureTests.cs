using System.Text.Json;
using EdgeHa.Kube.Models;
using EdgeHa.Operator.Reconciliation;

namespace EdgeHa.Operator.Tests;

/// <summary>Which pod states end a new pair's wait for its primary (RedundantPairReconciler.StartFailure).</summary>
public sealed class PodStartFailureTests
{
    private static Pod Waiting(string reason) => new()
    {
        Status = new PodStatus
        {
            ContainerStatuses = [new ContainerStatus { Name = "collector", State = JsonSerializer.SerializeToElement(new { waiting = new { reason } }) }],
        },
    };

    [Theory]
    [InlineData("CrashLoopBackOff", "CrashLoopBackOff (collector)")]
    [InlineData("ImagePullBackOff", "ImagePullBackOff (collector)")]
    [InlineData("ErrImagePull", "ErrImagePull (collector)")]
    [InlineData("ContainerCreating", null)] // slow, not failed
    [InlineData("PodInitializing", null)]
    public void StartFailure_WaitingReason_OnlyBackOffsAndErrorsCount(string reason, string? expected)
    {
        Assert.Equal(expected, RedundantPairReconciler.StartFailure(Waiting(reason)));
    }

    [Fact]
    public void StartFailure_Unschedulable_Counts()
    {
        var pod = new Pod { Status = new PodStatus { Conditions = [new PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/2 nodes are available" }] } };

        Assert.Equal("Unschedulable: 0/2 nodes are available", RedundantPairReconciler.StartFailure(pod));
    }

    [Fact]
    public void StartFailure_NoStatusYet_IsNotAFailure()
    {
        Assert.Null(RedundantPairReconciler.StartFailure(new Pod()));
    }
}
