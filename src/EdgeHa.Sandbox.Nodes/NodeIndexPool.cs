namespace EdgeHa.Sandbox.Nodes;

/// <summary>
/// Node indexes (the 127.77.&lt;index&gt;.x pod ranges) in use by the clusters of this process, so clusters started in
/// parallel (tests) never hand two pods the same address.
/// </summary>
internal static class NodeIndexPool
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> InUse = [];

    /// <summary>Reserves <paramref name="count"/> free indexes, the lowest at or after <paramref name="first"/> (wrapping within 1..254).</summary>
    public static int[] Reserve(int count, int first)
    {
        lock (Gate)
        {
            var picked = new List<int>(count);
            for (var i = 0; i < 254 && picked.Count < count; i++)
            {
                var index = ((first - 1 + i) % 254) + 1;
                if (!InUse.Contains(index))
                {
                    picked.Add(index);
                }
            }

            if (picked.Count < count)
            {
                throw new InvalidOperationException($"no {count} free node indexes left in this process (254 in all)");
            }

            InUse.UnionWith(picked);
            return [.. picked];
        }
    }

    public static void Release(IEnumerable<int> indexes)
    {
        lock (Gate)
        {
            InUse.ExceptWith(indexes);
        }
    }
}
