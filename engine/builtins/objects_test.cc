#include "builtins/builtin_test_util.h"

namespace fedra::builtins::testing {
namespace {

TEST(ObjectsTest, GetKey) {
  Value o = O({{S("a"), S("b")}, {I(1), I(2)}});
  EXPECT_EQ(Eval("object.get", {o, S("a"), S("c")}), S("b"));
  EXPECT_EQ(Eval("object.get", {o, S("x"), S("c")}), S("c"));
  EXPECT_EQ(Eval("object.get", {o, I(1), I(3)}), I(2));
  EXPECT_EQ(Eval("object.get", {o, I(2), I(3)}), I(3));
  ExpectTypeError("object.get", {S("x"), S("a"), I(1)}, "operand 1 must be object but got string");
}

TEST(ObjectsTest, GetPath) {
  Value o = O({{S("a"), O({{S("b"), A({O({{S("c"), I(1)}}), I(7)})}})}});
  EXPECT_EQ(Eval("object.get", {o, A({}), I(2)}), o);
  EXPECT_EQ(Eval("object.get", {o, A({S("a"), S("b"), I(0), S("c")}), I(2)}), I(1));
  EXPECT_EQ(Eval("object.get", {o, A({S("a"), S("b"), I(1)}), I(2)}), I(7));
  EXPECT_EQ(Eval("object.get", {o, A({S("a"), S("b"), I(2)}), I(2)}), I(2));
  EXPECT_EQ(Eval("object.get", {o, A({S("a"), S("b"), S("a")}), I(2)}), I(2));
  EXPECT_EQ(Eval("object.get", {o, A({S("a"), S("b"), I(1), S("z")}), I(2)}), I(2));
  Value keyed = O({{I(1), O({{S("b"), O({{A({I(1), I(2)}), I(1)}})}})}});
  EXPECT_EQ(Eval("object.get", {keyed, A({I(1), S("b"), A({I(1), I(2)})}), I(2)}), I(1));
  Value with_set = O({{S("s"), Set({S("m")})}});
  EXPECT_EQ(Eval("object.get", {with_set, A({S("s"), S("m")}), I(0)}), S("m"));
  EXPECT_EQ(Eval("object.get", {with_set, A({S("s"), S("n")}), I(0)}), I(0));
}

TEST(ObjectsTest, Keys) {
  EXPECT_EQ(Eval("object.keys", {O({{S("a"), I(1)}, {S("b"), I(2)}})}), Set({S("a"), S("b")}));
  EXPECT_EQ(Eval("object.keys", {O({})}), Set({}));
  ExpectTypeError("object.keys", {S("x")}, "operand 1 must be object but got string");
}

TEST(ObjectsTest, RemoveAndFilter) {
  Value o = O({{S("a"), I(1)}, {S("b"), I(2)}, {S("c"), I(3)}});
  EXPECT_EQ(Eval("object.remove", {o, A({S("a"), S("a"), S("z")})}), O({{S("b"), I(2)}, {S("c"), I(3)}}));
  EXPECT_EQ(Eval("object.remove", {o, Set({S("b")})}), O({{S("a"), I(1)}, {S("c"), I(3)}}));
  EXPECT_EQ(Eval("object.remove", {o, O({{S("c"), Null()}})}), O({{S("a"), I(1)}, {S("b"), I(2)}}));
  EXPECT_EQ(Eval("object.filter", {o, A({S("c"), S("a")})}), O({{S("a"), I(1)}, {S("c"), I(3)}}));
  EXPECT_EQ(Eval("object.filter", {o, Set({})}), O({}));
  EXPECT_EQ(Eval("object.filter", {o, O({{S("b"), I(0)}})}), O({{S("b"), I(2)}}));
  ExpectTypeError("object.remove", {A({}), A({})}, "operand 1 must be object but got array");
  ExpectTypeError("object.remove", {o, S("a")}, "operand 2 must be one of {object, set, array} but got string");
  ExpectTypeError("object.filter", {Null(), A({})}, "operand 1 must be object but got null");
  ExpectTypeError("object.filter", {o, B(true)}, "operand 2 must be one of {object, set, array} but got boolean");
}

TEST(ObjectsTest, Union) {
  EXPECT_EQ(Eval("object.union", {O({}), O({})}), O({}));
  EXPECT_EQ(Eval("object.union", {O({{S("a"), I(1)}}), O({{S("a"), I(2)}})}), O({{S("a"), I(2)}}));
  Value left = O({{S("a"), O({{S("b"), O({{S("c"), I(1)}})}})}, {S("e"), I(1)}});
  Value right = O({{S("a"), O({{S("b"), S("foo")}, {S("b1"), S("bar")}})}, {S("d"), I(7)}, {S("e"), I(17)}});
  EXPECT_EQ(Eval("object.union", {left, right}),
            O({{S("a"), O({{S("b"), S("foo")}, {S("b1"), S("bar")}})}, {S("d"), I(7)}, {S("e"), I(17)}}));
  Value deep_l = O({{S("a"), O({{S("x"), I(1)}})}});
  Value deep_r = O({{S("a"), O({{S("y"), I(2)}})}});
  EXPECT_EQ(Eval("object.union", {deep_l, deep_r}), O({{S("a"), O({{S("x"), I(1)}, {S("y"), I(2)}})}}));
  ExpectTypeError("object.union", {A({}), O({})}, "operand 1 must be object but got array");
  ExpectTypeError("object.union", {O({}), A({})}, "operand 2 must be object but got array");
}

TEST(ObjectsTest, UnionN) {
  Value a_b2 = O({{S("a"), O({{S("b"), I(2)}})}});
  Value a4 = O({{S("a"), I(4)}});
  Value a_c3 = O({{S("a"), O({{S("c"), I(3)}})}});
  EXPECT_EQ(Eval("object.union_n", {A({a_b2, a4, a_c3})}), a_c3);
  EXPECT_EQ(Eval("object.union_n", {A({a_b2, a_c3})}), O({{S("a"), O({{S("b"), I(2)}, {S("c"), I(3)}})}}));
  EXPECT_EQ(Eval("object.union_n", {A({})}), O({}));
  ExpectTypeError("object.union_n", {Set({})}, "operand 1 must be array but got set");
  ExpectTypeError("object.union_n", {A({I(1), O({}), S("x")})},
                  "operand 1 must be array of objects but got array containing string");
}

TEST(ObjectsTest, SubsetObjects) {
  Value a = O({{S("a"), I(5)}, {S("b"), I(7)},
               {S("n"), O({{S("x"), I(10)}, {S("s"), Set({I(1), I(2), I(3)})}, {S("arr"), A({I(6), I(7), I(8)})}})}});
  Value b = O({{S("a"), I(5)}, {S("n"), O({{S("s"), Set({I(3), I(1)})}, {S("arr"), A({I(7), I(8)})}})}});
  EXPECT_EQ(Eval("object.subset", {a, b}), B(true));
  EXPECT_EQ(Eval("object.subset", {b, a}), B(false));
  EXPECT_EQ(Eval("object.subset", {a, O({{S("a"), I(6)}})}), B(false));
  EXPECT_EQ(Eval("object.subset", {a, O({})}), B(true));
  // Arrays under a key must be a contiguous run.
  EXPECT_EQ(Eval("object.subset", {a, O({{S("n"), O({{S("arr"), A({I(6), I(8)})}})}})}), B(false));
}

TEST(ObjectsTest, SubsetSetsAndArrays) {
  EXPECT_EQ(Eval("object.subset", {Set({I(1), I(2), I(3)}), Set({I(3), I(2)})}), B(true));
  EXPECT_EQ(Eval("object.subset", {Set({I(1), Set({S("a"), S("b")})}), Set({Set({S("a")})})}), B(false));
  Value arr = A({I(1), I(2), I(3), I(4), I(5), I(6)});
  EXPECT_EQ(Eval("object.subset", {arr, A({I(3), I(4), I(5)})}), B(true));
  EXPECT_EQ(Eval("object.subset", {arr, A({I(4), I(5), I(6), I(8)})}), B(false));
  EXPECT_EQ(Eval("object.subset", {arr, A({I(1), I(3)})}), B(false));
  EXPECT_EQ(Eval("object.subset", {arr, A({})}), B(true));
  EXPECT_EQ(Eval("object.subset", {A({I(1), I(1), I(2)}), A({I(1), I(2)})}), B(true));
  EXPECT_EQ(Eval("object.subset", {arr, Set({I(4), I(3), I(2)})}), B(true));
  EXPECT_EQ(Eval("object.subset", {arr, Set({I(9), I(8)})}), B(false));
  // OPA's quirks for array ⊇ set: an empty array is never a superset, and
  // repeated members count more than once.
  EXPECT_EQ(Eval("object.subset", {A({}), Set({})}), B(false));
  EXPECT_EQ(Eval("object.subset", {A({I(1), I(1)}), Set({I(1), I(2)})}), B(true));
}

TEST(ObjectsTest, SubsetTypeError) {
  ExpectTypeError("object.subset", {Set({}), A({})},
                  "both arguments object.subset must be of the same type or array and set");
  ExpectTypeError("object.subset", {O({}), I(1)},
                  "both arguments object.subset must be of the same type or array and set");
}

}  // namespace
}  // namespace fedra::builtins::testing
