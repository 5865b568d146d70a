using Regia.Core.Plans.Import;

namespace Regia.Tests;

public sealed class PlanTextTests
{
    [Theory]
    [InlineData("servizi di e-government , digitalizzazione", "servizi di e-government, digitalizzazione")]
    [InlineData("il risparmio e l' efficientamento", "il risparmio e l'efficientamento")]
    [InlineData("Valorizzazione dell' Idroscalo", "Valorizzazione dell'Idroscalo")]
    [InlineData("un \" Tavolo per la casa \" che", "un \"Tavolo per la casa\" che")]
    [InlineData("\"x\" e \"y\"", "\"x\" e \"y\"")]
    [InlineData("PAESC /Piano di Azione", "PAESC/Piano di Azione")]
    [InlineData("E' inoltre necessario", "E' inoltre necessario")]
    [InlineData("  due\u00A0 spazi\t", "due spazi")]
    [InlineData("( testo )", "(testo)")]
    public void Clean_removes_the_spaces_left_around_bold_phrases(string input, string expected) =>
        Assert.Equal(expected, PlanText.Clean(input));

    [Fact]
    public void StripEmphasis_removes_markers_and_their_spaces() =>
        Assert.Equal("Rivoluzione verde, transizione ecologica", PlanText.StripEmphasis("**Rivoluzione verde,\ntransizione ecologica**"));
}
