namespace EdgeHa.Failover.Simulation.Tests;

/// <summary>Draws a seeded random fault schedule.</summary>
internal static class FaultSchedule
{
    private static readonly FaultKind[] Chaos =
    [
        FaultKind.NodeCrash, FaultKind.NodeCrash, FaultKind.CollectorCrash, FaultKind.PartitionNodeApi, FaultKind.PartitionNodeApi,
        FaultKind.PartitionNodeNode, FaultKind.PartitionOperatorNode, FaultKind.PartitionOperatorNode, FaultKind.NetworkIsolation, FaultKind.ProbeFlap,
        FaultKind.ProbeFlap, FaultKind.DeviceOutage, FaultKind.DeviceLinkCut, FaultKind.ApiSlow, FaultKind.ApiErrors,
        FaultKind.OperatorRestart, FaultKind.OperatorRestart, FaultKind.SwitchoverRequest, FaultKind.SwitchoverRequest,
        FaultKind.Cordon, FaultKind.SpecEdit,
    ];

    /// <summary>
    /// Half the schedules are pure chaos over the whole fault window; the other half have chaos early, then a quiet gap,
    /// then one hard failure of the active node whose failover time is measured against the prediction.
    /// </summary>
    public static List<Fault> Generate(SimRandom rng, FailoverPolicy policy)
    {
        var faults = new List<Fault>();
        var measured = rng.Chance(0.5);
        var chaosEnd = measured ? 20_000 : PairSimulation.FaultWindowEndMs;
        var count = (int)rng.Range(0, 6);
        for (var i = 0; i < count; i++)
        {
            var kind = rng.Pick(Chaos);
            var start = rng.Range(3_000, chaosEnd - 1_000);
            var end = Math.Min(start + rng.Range(500, 12_000), chaosEnd);
            var node = (int)rng.Range(0, 1);
            double param = 0;
            switch (kind)
            {
                case FaultKind.ProbeFlap:
                    param = rng.Chance(0.3) ? 1.0 : 0.2 + (rng.NextDouble() * 0.7);
                    break;
                case FaultKind.ApiErrors:
                    param = 0.2 + (rng.NextDouble() * 0.4);
                    break;
                case FaultKind.OperatorRestart:
                    end = start + rng.Range(1_000, 8_000);
                    break;
                case FaultKind.SwitchoverRequest:
                    end = start;
                    node = rng.Chance(0.1) ? 2 : node;
                    param = rng.Chance(0.2) ? 1 : 0;
                    break;
                case FaultKind.SpecEdit:
                    end = start;
                    break;
            }

            faults.Add(new Fault(kind, node, start, end, param));
        }

        if (measured)
        {
            FaultKind[] hard = policy.StandbyMode == StandbyMode.Hot
                ? [FaultKind.NodeCrash, FaultKind.CollectorCrash, FaultKind.ProbeFlap, FaultKind.PartitionOperatorNode, FaultKind.NetworkIsolation, FaultKind.DeviceLinkCut]
                : [FaultKind.NodeCrash, FaultKind.CollectorCrash, FaultKind.ProbeFlap, FaultKind.PartitionOperatorNode, FaultKind.NetworkIsolation];
            var start = rng.Range(34_000, PairSimulation.FaultWindowEndMs);
            var kind = rng.Pick(hard);
            faults.Add(new Fault(kind, 0, start, start + 15_000, kind == FaultKind.ProbeFlap ? 1.0 : 0, Measured: true));
        }

        return faults;
    }
}
