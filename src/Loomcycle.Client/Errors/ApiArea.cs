namespace Loomcycle
{
    /// <summary>Which family of routes a request belongs to; the same status means different things per area.</summary>
    internal enum ApiArea
    {
        Health,
        Run,
        Session,
        Agent,
        Users,
        Runtime,
        Snapshot,
        Memory,
        Interrupt,
        Hook,
        Definition,
        Schedule,
        Admin,
        Channel,
        Chat,
    }
}
