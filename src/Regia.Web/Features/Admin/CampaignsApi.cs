using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Regia.Core;
using Regia.Core.Campaigns;
using Regia.Core.Mail;
using Regia.Web.Infrastructure;

namespace Regia.Web.Features.Admin;

/// <summary>A campaign to open over the API.</summary>
public sealed record OpenCampaignInput(
    [property: Description("E.g. \"Monitoraggio 2026\".")] string Title,
    [property: Description("The last day to update (yyyy-mm-dd), in the future.")] DateOnly Deadline,
    [property: Description("What the planning office asks, shown on the task lists and in the messages.")] string? Instructions = null,
    [property: Description("Only the actions of this mission (1–6); none for every mission.")] int? Mission = null,
    [property: Description("Only the actions with a place in this zone (its slug, e.g. nord-milano); none for the whole territory.")] string? Zone = null);

/// <summary>An organisation's confirmation that an action is unchanged.</summary>
public sealed record ConfirmTaskInput([property: Description("Optional remark, up to 500 characters.")] string? Note = null);

/// <summary>Update campaigns over the API (<c>/api/v1/campaigns</c>, bearer tokens), and the background job that sends their messages.</summary>
internal static class CampaignsApi
{
    public const string Tag = "Campagne";

    /// <summary>The mail settings (section <c>Regia:Mail</c>) and the worker that queues reminders and sends the outbox.</summary>
    public static void AddRegiaCampaigns(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection("Regia:Mail").Get<MailSettings>() ?? new MailSettings();
        var pickup = builder.Configuration["Regia:Mail:PickupDirectory"] ?? Path.Combine(builder.Configuration["Regia:DataDirectory"] ?? "App_Data", "mail");
        builder.Services.AddSingleton(configured with { PickupDirectory = Path.GetFullPath(pickup, builder.Environment.ContentRootPath) });
        builder.Services.AddHostedService<MailWorker>();
    }

    public static void MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/campaigns").WithTags(Tag).RequireAuthorization(Security.ApiWriterPolicy);
        api.MapGet("", (RegiaDbContext db, CancellationToken cancellationToken) => UpdateCampaigns.ListAsync(db, cancellationToken))
            .WithName("ListCampaigns")
            .WithSummary("Update campaigns")
            .WithDescription("Every campaign, open ones first (nearest deadline first), with its scope, deadline and how many of its actions were updated or confirmed. For any signed-in token holder.");
        api.MapGet("/{id:int}", GetCampaign)
            .WithName("GetCampaign")
            .WithSummary("A campaign's completion")
            .WithDescription("Completion in total, by organisation and by zone (an action counts in every zone it has a place in). Live while the campaign is open; once closed, the figures frozen at closing (`frozen: true`).");
        api.MapPost("", OpenCampaign)
            .WithName("OpenCampaign")
            .WithSummary("Open an update campaign")
            .WithDescription("Reviewers and administrators: every published action in scope becomes a task for the organisation that leads it, and each of their active editors gets a message. 400 with the field at fault (title, deadline, mission, zone; `campaign` when nothing is in scope).")
            .RequireAuthorization(Security.ReviewersPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapPost("/{id:int}/close", CloseCampaign)
            .WithName("CloseCampaign")
            .WithSummary("Close a campaign")
            .WithDescription("Reviewers and administrators: writes each task's state, freezes the completion figures (which reports cite) and stops the reminders. 409 if it is closed already.")
            .RequireAuthorization(Security.ReviewersPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/tasks", (RegiaDbContext db, TimeProvider clock, [Description("Reviewers only: one organisation's tasks (its id).")] int? organization, CancellationToken cancellationToken) =>
                UpdateCampaigns.TasksAsync(db, clock, organization, cancellationToken))
            .WithName("ListCampaignTasks")
            .WithSummary("My updates: the actions open campaigns ask to update")
            .WithDescription("The token holder's organisation's tasks in open campaigns (every organisation's for reviewers), pending first, each with what the action lacks: progress, money paid, milestones overdue or due by the deadline. Update an action through `PUT /api/v1/actions/{id}` or its timeline; confirm it unchanged with `.../confirm`.");
        api.MapPost("/{id:int}/tasks/{actionId:int}/confirm", ConfirmTask)
            .RequireAuthorization(Security.ApiEditorPolicy)
            .WithName("ConfirmCampaignTask")
            .WithSummary("Confirm an action unchanged")
            .WithDescription("Editors of the action's organisation, reviewers and administrators: records that nothing changed since the last round, with an optional note. 404 if the action is not in the campaign; 409 if the campaign is closed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<CampaignDetail>, NotFound>> GetCampaign([Description("Campaign id.")] int id, RegiaDbContext db, CancellationToken cancellationToken) =>
        await UpdateCampaigns.GetAsync(db, id, cancellationToken) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static Task<IResult> OpenCampaign(OpenCampaignInput input, RegiaDbContext db, IStringLocalizer<SharedResource> text, TimeProvider clock, MailSettings mail, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            var campaign = await UpdateCampaigns.OpenAsync(db, new CampaignInput(input.Title, input.Deadline, input.Instructions, input.Mission, input.Zone), clock, mail, cancellationToken);
            return TypedResults.Created(FormattableString.Invariant($"/api/v1/campaigns/{campaign.Id}"), await UpdateCampaigns.GetAsync(db, campaign.Id, cancellationToken));
        });

    private static Task<IResult> CloseCampaign([Description("Campaign id.")] int id, RegiaDbContext db, IStringLocalizer<SharedResource> text, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () => TypedResults.Ok(await UpdateCampaigns.CloseAsync(db, id, clock, cancellationToken)));

    private static Task<IResult> ConfirmTask([Description("Campaign id.")] int id, [Description("Action id.")] int actionId, ConfirmTaskInput? input, RegiaDbContext db, IStringLocalizer<SharedResource> text, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeResults.GuardAsync(text, async () =>
        {
            await UpdateCampaigns.ConfirmAsync(db, id, actionId, input?.Note, clock, cancellationToken);
            return TypedResults.NoContent();
        });
}

/// <summary>
/// Every minute (<c>Regia:Mail:IntervalSeconds</c>): queues the reminders that are due (campaigns' deadlines, calls
/// closing that organisations are interested in) and sends the outbox.
/// Safe on several instances: reminders are unique by key and each message is claimed before it is sent.
/// </summary>
internal sealed partial class MailWorker(IServiceScopeFactory scopes, IConfiguration configuration, MailSettings settings, TimeProvider clock, ILogger<MailWorker> logger)
    : PeriodicWorker(scopes, clock, logger)
{
    protected override TimeSpan Interval =>
        TimeSpan.FromSeconds(int.TryParse(configuration["Regia:Mail:IntervalSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 60);

    protected override string Name => "Mail";

    protected override async Task RunRoundAsync(IServiceProvider services, CancellationToken stoppingToken)
    {
        var db = services.GetRequiredService<RegiaDbContext>();
        var queued = await UpdateCampaigns.QueueRemindersAsync(db, Clock, settings, stoppingToken).ConfigureAwait(false)
            + await Core.Funding.FundingCalls.QueueClosingRemindersAsync(db, Clock, settings, stoppingToken).ConfigureAwait(false);
        var sent = await MailOutbox.DeliverAsync(db, settings, Clock, stoppingToken).ConfigureAwait(false);
        if (queued + sent > 0)
        {
            LogRound(Logger, queued, sent);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail: {Queued} reminders queued, {Sent} messages sent")]
    private static partial void LogRound(ILogger logger, int queued, int sent);
}
