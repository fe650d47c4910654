using System.Reflection;
using System.Reflection.Emit;

namespace SocketChat.Server.Tests.Core;

// Reads the server's compiled method bodies: what each names and calls, for tests that hold the code to a shape
// (the folder graph, the one door).
internal static class Il
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    // The types a method body names: what it calls, creates, reads, casts to, or declares as locals.
    public static IEnumerable<Type> TypesIn(MethodBase method)
    {
        if (method.GetMethodBody() is not { } body)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        foreach (var member in MembersIn(method))
        {
            if ((member as Type ?? member.DeclaringType) is { } used)
            {
                yield return used;
            }
        }
    }

    // The outermost types (an async method's state machine counts as its method's type) whose code calls any of
    // owner's methods named names, owner itself left out.
    public static IEnumerable<Type> CallersOf(Type owner, IReadOnlyCollection<string> names) =>
        from type in owner.Assembly.GetTypes()
        from method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All))
        from member in MembersIn(method)
        where member is MethodBase called && called.DeclaringType == owner && names.Contains(called.Name)
        let caller = Outermost(type)
        where caller != owner
        select caller;

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    // The members (methods, fields, types) a method body's instructions refer to.
    private static IEnumerable<MemberInfo> MembersIn(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            var value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            var size = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                    // A token outside this module's tables (a generic signature it cannot resolve here).
                }

                if (member is not null)
                {
                    yield return member;
                }
            }

            at += size;
        }
    }
}
