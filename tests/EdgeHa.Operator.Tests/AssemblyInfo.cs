// The sandbox tests measure failover timings on a small CI machine: run the test classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
