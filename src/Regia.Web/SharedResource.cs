namespace Regia.Web;

/// <summary>
/// Marker type for the UI's one resource file: Resources/SharedResource.resx (Italian, the default) and
/// Resources/SharedResource.en.resx (English). It sits in the root namespace so that its resource name is
/// Regia.Web.Resources.SharedResource.
/// </summary>
#pragma warning disable CA1812 // Used only as the type argument of IStringLocalizer<SharedResource>.
internal sealed class SharedResource;
#pragma warning restore CA1812
