using Regia.Core.Plans;

namespace Regia.Web.Features.Plans;

/// <summary>The plan's objectives table (code, text, three actor columns) as mission and list pages show it.</summary>
internal sealed record ObjectivesTable(string Caption, IReadOnlyList<ObjectiveView> Objectives);
