namespace EdgeHa.Collector;

/// <summary>A role set by the <c>--role</c> flag and changed through <c>PUT /role</c> or <see cref="SetRole"/>.</summary>
public sealed class ManualRoleSource(CollectorRole initial) : IRoleController
{
    private readonly object _gate = new();
    private CollectorRole _role = initial;

    public CollectorRole Current
    {
        get
        {
            lock (_gate)
            {
                return _role;
            }
        }
    }

    public event EventHandler<RoleChangedEventArgs>? RoleChanged;

    public bool SetRole(CollectorRole role)
    {
        CollectorRole previous;
        lock (_gate)
        {
            previous = _role;
            if (previous == role)
            {
                return false;
            }

            _role = role;
        }

        RoleChanged?.Invoke(this, new RoleChangedEventArgs(previous, role));
        return true;
    }
}
