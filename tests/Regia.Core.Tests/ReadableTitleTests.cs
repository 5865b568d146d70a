using Regia.Core.Alignment;

namespace Regia.Tests;

/// <summary>Readable titles from Italia Domani's cut, upper-case or coded titles (real titles and syntheses of the Lombardy file).</summary>
public sealed class ReadableTitleTests
{
    [Theory]
    // A coded title names the body, not the project: the synthesis' first field says what it is.
    [InlineData("1.4.3 - pagoc_f786Comune di Mozzanica", "PIATTAFORMA PAGOPA*TERRITORIO NAZIONALE*ATTIVAZIONE SERVIZI", "Piattaforma pagoPA")]
    [InlineData("1.2c_f133Comune di Merate", "MIGRAZIONE AL CLOUD DEI SERVIZI DIGITALI DELL'AMMINISTRAZIONE — TERRITORIO COMUNALE — N. 14 SERVIZI DA MIGRARE", "Migrazione al cloud dei servizi digitali dell'amministrazione")]
    [InlineData("1.4.3 - app c_a697Comune di Basiano", "APPLICAZIONE APP IO*TERRITORIO NAZIONALE*ATTIVAZIONE SERVIZI", "Applicazione app IO")]
    // Without a synthesis, the body's name is what there is.
    [InlineData("1.4.4c_g937Comune di Postalesio", "", "Comune di Postalesio")]
    // A title cut at 40 characters that the synthesis completes; accents written as apostrophes come back.
    [InlineData("REALIZZAZIONE CASA DELLA COMUNITA' DI SA", "REALIZZAZIONE CASA DELLA COMUNITA' DI SARONNO VIA STAMPA SONCINO 4*VIA STAMPA SONCINO 4*REALIZZAZIONE", "Realizzazione casa della comunità di saronno via Stampa Soncino 4")]
    [InlineData("FONDAZIONE IRCCS POLICLINICO SAN MATTEO", "FONDAZIONE IRCCS POLICLINICO SAN MATTEO DI PAVIA - PRESIDIO DI BELGIOIOSO*VIA FELICE CAVALLOTTI 123", "Fondazione IRCCS policlinico San Matteo di Pavia - presidio di belgioioso")]
    // A cut title whose synthesis is about something else keeps its words, and says it is cut.
    [InlineData("FONDAZIONE IRCCS ISTITUTO NEUROLOGICO CA", "", "Fondazione IRCCS istituto neurologico ca…")]
    // A lost final accent ("COMUNIT") comes back too; a mixed-case title is left as written.
    [InlineData("REALIZZAZIONE CASA DI COMUNIT SARONNO", null, "Realizzazione casa di comunità saronno")]
    [InlineData("Sviluppo del commercio elettronico delle", "G D GROUP SRL*FINANZIAMENTI PER L'INTERNAZIONALIZZAZIONE", "Sviluppo del commercio elettronico delle…")]
    [InlineData("1.4.4oclmOrdine Consulenti del Lavoro di", "", "Ordine Consulenti del Lavoro di…")]
    // Fields joined with "*" read as a list.
    [InlineData("NIPCO SRL*FINANZIAMENTI PER L'INTERNAZIONALIZZAZIONE DELLE IMPRESE*VIA MORIMONDO 26", null, "Nipco srl — finanziamenti per l'internazionalizzazione delle imprese — via Morimondo 26")]
    [InlineData("Rete ciclabile tra i Comuni del Nord Milano", "Percorso ciclopedonale.", "Rete ciclabile tra i Comuni del Nord Milano")]
    [InlineData("COMUNE DI SESTO SAN GIOVANNI PER LA SCUOLA", null, "Comune di Sesto San Giovanni per la scuola")]
    public void A_readable_title_is_made_from_the_title_and_the_synthesis(string title, string? synthesis, string expected) =>
        Assert.Equal(expected, ReadableTitles.Of(title, synthesis));

    [Fact]
    public void A_long_synthesis_field_is_cut_at_a_word_with_an_ellipsis()
    {
        var title = ReadableTitles.Of("1.2c_f133Comune di Merate", string.Concat(Enumerable.Repeat("MIGRAZIONE AL CLOUD DEI SERVIZI ", 10)));
        Assert.True(title.Length <= 160, title);
        Assert.EndsWith("servizi…", title, StringComparison.Ordinal);
        Assert.StartsWith("Migrazione al cloud", title, StringComparison.Ordinal);
    }
}
