using System.Text;
using System.Text.Json;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Core.Tests.Protocol;

public class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(CanonicalJson.Canonicalize(doc.RootElement));
    }

    [Test]
    public void Rfc8785_sample_canonicalises_to_the_published_bytes()
    {
        // RFC 8785 section 3.2.2/3.2.3 example.
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        Assert.That(Canonical(input), Is.EqualTo("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"));
    }

    [TestCase(0.0, "0")]
    [TestCase(-0.0, "0")]
    [TestCase(1.0, "1")]
    [TestCase(-1.5, "-1.5")]
    [TestCase(100.0, "100")]
    [TestCase(1e21, "1e+21")]
    [TestCase(1e20, "100000000000000000000")]
    [TestCase(123456789012345680000.0, "123456789012345680000")]
    [TestCase(0.000001, "0.000001")]
    [TestCase(0.0000001, "1e-7")]
    [TestCase(1.2345e-7, "1.2345e-7")]
    [TestCase(5e-324, "5e-324")]
    [TestCase(1.7976931348623157e308, "1.7976931348623157e+308")]
    [TestCase(9007199254740992.0, "9007199254740992")]
    [TestCase(295147905179352830000.0, "295147905179352830000")]
    public void Numbers_print_as_ecmascript_does(double value, string expected) =>
        Assert.That(CanonicalJson.FormatNumber(value), Is.EqualTo(expected));

    [Test]
    public void Members_sort_by_utf16_code_units_and_whitespace_goes()
    {
        // RFC 8785 3.2.3: "\r" < "1" < "\u0080" < "ö" < "€" < "😀" (surrogate pair D83D) < "\ufb33".
        var json = "{ \"\\u20ac\": 1, \"\\r\": 2, \"\\ufb33\": 3, \"1\": 4, \"\\ud83d\\ude00\": 5, \"\\u0080\": 6, \"\\u00f6\": 7 }";
        Assert.That(Canonical(json), Is.EqualTo("{\"\\r\":2,\"1\":4,\"\u0080\":6,\"ö\":7,\"€\":1,\"😀\":5,\"\ufb33\":3}"));
    }

    [Test]
    public void Same_value_in_different_layouts_gives_the_same_bytes() =>
        Assert.That(Canonical("{\"b\":[1.0,2E0,{\"y\":null,\"x\":\"\\u0041\"}],\"a\":true}"),
            Is.EqualTo(Canonical("{ \"a\" : true,\n \"b\" : [ 1, 2, { \"x\" : \"A\", \"y\" : null } ] }")));

    [TestCase("{\"a\":1,\"a\":2}", "duplicate member")]
    [TestCase("[1e400]", "outside the IEEE-754 double range")]
    [TestCase("[\"\\ud800\"]", "surrogate")]
    public void Hostile_input_is_a_format_error(string json, string message) =>
        Assert.That(() => Canonical(json), Throws.TypeOf<FormatException>().With.Message.Contains(message));
}
