using EdgeHa.Api;
using EdgeHa.Kube;

namespace EdgeHa.Kubectl.Commands;

/// <summary>Reads and patches RedundantPairs, turning "not found" answers into messages that say what to do.</summary>
internal static class PairClient
{
    /// <summary>redundantpairs.edgeha.io/v1alpha1.</summary>
    public static readonly ResourceType PairType = ResourceType.Named(RedundantPair.Group, RedundantPair.Version, RedundantPair.Plural, RedundantPair.KindName);

    /// <summary>How a pair is named in messages, as kubectl names objects.</summary>
    public static string Display(string name) => $"redundantpair.{RedundantPair.Group}/{name}";

    public static async Task<RedundantPair> GetAsync(IKubernetesClient client, string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync<RedundantPair>(PairType, @namespace, name, cancellationToken);
        }
        catch (NotFoundException ex) when (IsMissingObject(ex, name))
        {
            throw new CommandFailedException(
                $"redundantpair \"{name}\" not found in namespace \"{@namespace}\"; list the pairs with: kubectl edgeha status -n {@namespace}", ex);
        }
        catch (NotFoundException ex)
        {
            throw CrdMissing(ex);
        }
    }

    public static async Task<List<RedundantPair>> ListAsync(IKubernetesClient client, string? @namespace, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.ListAllAsync<RedundantPair>(PairType, @namespace, cancellationToken: cancellationToken)).Items;
        }
        catch (NotFoundException ex)
        {
            throw CrdMissing(ex);
        }
    }

    public static async Task<RedundantPair> PatchAsync(IKubernetesClient client, string @namespace, string name, KubePatch patch, CancellationToken cancellationToken)
    {
        try
        {
            return await client.PatchAsync<RedundantPair>(PairType, @namespace, name, patch, cancellationToken);
        }
        catch (NotFoundException ex)
        {
            throw new CommandFailedException($"redundantpair \"{name}\" was deleted from namespace \"{@namespace}\" while the command ran", ex);
        }
        catch (InvalidException ex)
        {
            throw new CommandFailedException($"the API server rejected the change to {Display(name)}: {ex.Status.Message}", ex);
        }
    }

    // A 404 for a missing object names it in the Status details; a 404 for a missing resource (no CRD) does not.
    private static bool IsMissingObject(NotFoundException ex, string name) => ex.Status.Details?.Name == name;

    private static CommandFailedException CrdMissing(Exception inner) => new(
        $"the API server does not serve {RedundantPair.Plural}.{RedundantPair.Group}/{RedundantPair.Version}: is the Edge HA operator installed? "
        + "Install the CRD with: kubectl apply -f crds/edgeha.io_redundantpairs.yaml", inner);
}
