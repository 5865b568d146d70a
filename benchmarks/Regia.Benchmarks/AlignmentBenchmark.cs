using System.Diagnostics;
using System.Globalization;
using Regia.Core.Alignment;
using Regia.Core.Plans;

/// <summary>
/// The alignment engine's evaluation (issue 15): mission-level macro-F1, accuracy, per-mission precision and recall
/// and the confusion matrix, from the plan's texts alone and trained on the Lombardy PNRR file by province; then
/// the engine's speed in projects per second on one core.
///
///   dotnet run -c Release --project benchmarks/Regia.Benchmarks -- align-eval [--folds 4] [--projects FILE --locations FILE]
/// </summary>
internal static class AlignmentBenchmark
{
    public static async Task<int> EvaluateAsync(string[] args)
    {
        string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var folds = int.Parse(Option("--folds", "4"), CultureInfo.InvariantCulture);
        var projectsPath = Option("--projects", Path.Combine(AppContext.BaseDirectory, "pnrr", "pnrr_progetti_lombardia.csv.gz"));
        var locationsPath = Option("--locations", Path.Combine(AppContext.BaseDirectory, "pnrr", "pnrr_localizzazioni_lombardia.csv.gz"));
        var plan = AlignmentPlan.From(await PlanFile.ReadAsync(Path.Combine(AppContext.BaseDirectory, "plans", "psttm-2025-2027.json")));
        var planAlone = plan;
        plan = plan.With(await PnrrCatalogue.ReadAsync(Path.Combine(AppContext.BaseDirectory, "pnrr", PnrrCatalogue.FileName)));
        var projects = await AlignmentEvaluation.ReadPnrrAsync(projectsPath, locationsPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Regia alignment evaluation: {projects.Count:N0} PNRR projects (one per CUP) from {Path.GetFileName(projectsPath)}; .NET {Environment.Version}"));
        Console.WriteLine();
        if (args.Contains("--errors"))
        {
            // Where the engine and the budget line disagree: a few projects of each cell off the diagonal, with the words that drove the engine.
            var probe = AlignmentModel.Train(args.Contains("--plan-only") ? planAlone : plan, args.Contains("--trained") ? projects.Where(p => p.Province != 15).Select(p => p.Example(false)) : []);
            foreach (var cell in projects.Where(p => !args.Contains("--trained") || p.Province == 15)
                .Select(p => (Project: p, Answer: probe.Suggest(p.Query(false)))).Where(x => x.Answer.TopMission!.Mission != x.Project.Mission)
                .GroupBy(x => (x.Project.Mission, x.Answer.TopMission!.Mission)).OrderByDescending(g => g.Count()))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"M{cell.Key.Item1} read as M{cell.Key.Item2}: {cell.Count()}"));
                foreach (var (project, answer) in cell.Take(4))
                {
                    Console.WriteLine($"   {project.Measure} «{project.Title}» — {project.Description?[..Math.Min(90, project.Description.Length)]} [{string.Join(", ", answer.TopMission!.Terms)}]");
                }
            }

            return 0;
        }

        if (args.Contains("--sweep"))
        {
            // The settings' neighbourhood, to choose the defaults: macro-F1 cold and trained by province.
            foreach (var weight in new[] { 1.0, 3 })
            {
                foreach (var smoothing in new[] { 0.1, 0.3, 1 })
                {
                    foreach (var prior in new[] { 0.5, 1 })
                    {
                        var settings = new AlignmentSettings(weight, smoothing, prior);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"plan weight {weight,4}, smoothing {smoothing,4}, prior {prior,3}: cold {AlignmentEvaluation.ColdStart(planAlone, projects, settings).MacroF1:0.000}, with catalogue {AlignmentEvaluation.ColdStart(plan, projects, settings).MacroF1:0.000}, by province {AlignmentEvaluation.ByProvince(plan, projects, folds, settings: settings).MacroF1:0.000}"));
                    }
                }
            }

            return 0;
        }

        Console.WriteLine(AlignmentEvaluation.ColdStart(planAlone, projects).Report("1a. From the plan's texts alone (cold start), every project asked:"));
        Console.WriteLine(AlignmentEvaluation.ColdStart(plan, projects).Report("1b. Cold start as Regia ships it: the plan's texts and the PNRR programme's names of its measures (no project labelled), every project asked:"));
        Console.WriteLine(AlignmentEvaluation.ByProvince(plan, projects, folds).Report(string.Create(CultureInfo.InvariantCulture, $"2. Trained by province ({folds} groups of provinces; each group predicted by a model trained on the others), title, synthesis and implementing body:")));
        Console.WriteLine(AlignmentEvaluation.ByProvince(plan, projects, folds, withMeasure: true).Report("3. As 2, with the PNRR measure code given (the budget line: an upper bound, not the engine's reading):"));

        // Speed: one thread, a model trained on every project, asked about every project (text only) several times over.
        var model = AlignmentModel.Train(plan, projects.Select(p => p.Example(false)));
        var queries = projects.Select(p => p.Query(false)).ToList();
        foreach (var q in queries.Take(1000))
        {
            model.Suggest(q);
        }

        var watch = Stopwatch.StartNew();
        var asked = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            foreach (var q in queries)
            {
                model.Suggest(q);
            }

            asked += queries.Count;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"4. Speed, one thread: {asked / watch.Elapsed.TotalSeconds:N0} projects/s ({asked:N0} suggestions in {watch.Elapsed.TotalSeconds:0.0} s)"));
        var train = Stopwatch.StartNew();
        _ = AlignmentModel.Train(plan, projects.Select(p => p.Example(false)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   training on {projects.Count:N0} projects: {train.Elapsed.TotalMilliseconds:N0} ms"));
        return 0;
    }
}
